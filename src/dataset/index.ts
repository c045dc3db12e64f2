/** `yo mlexp:dataset <name>` (`mlexp dataset <name>`): a Dataset module, its test and a config that selects it. */
import type Generator from 'yeoman-generator';
import { BlockGenerator } from '../blocks/block-generator.js';

export default class DatasetGenerator extends BlockGenerator {
  protected readonly kind = 'dataset';

  constructor(args: string[], options: Generator['options']) {
    super(args, options);
    this._declareOptions('dataset');
  }
}
