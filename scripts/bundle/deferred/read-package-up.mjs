/**
 * read-package-up, initialised on first call: loading it builds npm's licence and package-data
 * tables (14 ms). yeoman-generator falls back to it only when the environment cannot tell a
 * generator's package.json, which it can for mlexp's own generators. Stays in the bundle (this
 * `require` is esbuild's).
 */
export function readPackageUpSync(options) {
  return require('read-package-up').readPackageUpSync(options);
}

export async function readPackageUp(options) {
  return require('read-package-up').readPackageUp(options);
}
