/**
 * latest-version, loaded on first use: yeoman-generator asks the npm registry for a version when
 * a generator adds an npm dependency without one, which mlexp never does. Loading it at start
 * costs about 20 ms, because its HTTP client sets up node's fetch. It stays in the bundle, in a
 * chunk of its own that this dynamic import loads.
 */
export default async function latestVersion(packageName, options) {
  const { default: real } = await import('latest-version');
  return real(packageName, options);
}
