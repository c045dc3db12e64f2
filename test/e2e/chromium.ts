/**
 * Render an HTML file in headless Chromium (Debian's `chromium`, installed by `.ci/run`): a
 * screenshot, and the load state of every <img> as the browser sees it after the load event.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { tmpFolder } from '../helpers.js';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run'];
// Appended to a copy of the page: after load, write each image's [complete, naturalWidth,
// naturalHeight] into the DOM, which --dump-dom then prints.
const PROBE =
  '<script>addEventListener("load", () => { const out = document.createElement("pre"); out.id = "image-probe";' +
  ' out.textContent = JSON.stringify([...document.images].map((i) => [i.complete, i.naturalWidth, i.naturalHeight]));' +
  ' document.body.append(out); });</script>';

export interface Rendered {
  /** The screenshot's PNG file. */
  screenshot: string;
  /** [complete, naturalWidth, naturalHeight] of every <img>, in document order. */
  images: Array<[boolean, number, number]>;
}

export async function renderInChromium(htmlFile: string, size = '1280,2400'): Promise<Rendered> {
  const work = tmpFolder('chromium-');
  const page = path.join(work, 'page.html');
  copyFileSync(htmlFile, page);
  const screenshot = path.join(work, 'screenshot.png');
  const env = { HOME: work }; // its profile and crash folders go here, not in the user's home
  await execa('chromium', [...FLAGS, `--screenshot=${screenshot}`, `--window-size=${size}`, pathToFileURL(page).href], { env, stdin: 'ignore' });

  const probed = path.join(work, 'probed.html');
  writeFileSync(probed, readFileSync(page, 'utf8').replace('</body>', `${PROBE}</body>`));
  const dom = await execa('chromium', [...FLAGS, '--dump-dom', pathToFileURL(probed).href], { env, stdin: 'ignore' });
  const found = /<pre id="image-probe">([^<]*)<\/pre>/.exec(dom.stdout);
  if (!found?.[1]) throw new Error(`the image probe did not run in ${probed}:\n${dom.stdout.slice(0, 2000)}`);
  return { screenshot, images: JSON.parse(found[1]) as Rendered['images'] };
}
