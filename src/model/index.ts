/** `yo mlexp:model <name>` (`mlexp model <name>`): a Model module, its test and a config that selects it. */
import type Generator from 'yeoman-generator';
import { BlockGenerator } from '../blocks/block-generator.js';

export default class ModelGenerator extends BlockGenerator {
  protected readonly kind = 'model';

  constructor(args: string[], options: Generator['options']) {
    super(args, options);
    this._declareOptions('model');
  }
}
