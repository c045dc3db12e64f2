/** `yo mlexp:evaluator <name>` (`mlexp evaluator <name>`): an Evaluator module, its test and a config that selects it. */
import type Generator from 'yeoman-generator';
import { BlockGenerator } from '../blocks/block-generator.js';

export default class EvaluatorGenerator extends BlockGenerator {
  protected readonly kind = 'evaluator';

  constructor(args: string[], options: Generator['options']) {
    super(args, options);
    this._declareOptions('evaluator');
  }
}
