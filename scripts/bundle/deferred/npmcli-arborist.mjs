/**
 * @npmcli/arborist, npm's installer, loaded when first constructed. fly-import imports it for
 * yeoman-environment, to install generators on the fly; `mlexp` never does, so a start need not
 * load its hundred packages. The object built is the real Arborist.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export default class DeferredArborist {
  constructor(options) {
    const Arborist = require('@npmcli/arborist');
    return new Arborist(options);
  }
}
