/**
 * string-width, initialised on first call: loading it builds an Intl.Segmenter, whose ICU data
 * takes 20 ms, and only ora's progress spinner measures text with it. The package stays in the
 * bundle (this `require` is esbuild's, resolved from ora's folder); it is evaluated when first used.
 */
export default function stringWidth(text, options) {
  return require('string-width').default(text, options);
}
