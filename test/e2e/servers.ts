/**
 * Servers the e2e files start on loopback: Azurite (Azure Blob's emulator, from npm; .ci/run
 * installs it and MLEXP_AZURITE names its binary), and the wait for any server to answer.
 */
import { existsSync } from 'node:fs';
import { execa, type ResultPromise } from 'execa';
import { freePort, tmpFolder } from '../helpers.js';

/** Azurite's documented development account: a public, well-known key. */
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** The connection string of Azurite's development account on `port`, as the SDKs and DVC read it. */
export const azuriteConnectionString = (port: number) =>
  `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${AZURITE_KEY};BlobEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`;

/** Poll `ready` until it holds; fail with the process's output if it ends or time runs out. */
export async function waitFor(ready: () => Promise<boolean>, process: ResultPromise, timeout: number): Promise<void> {
  const deadline = Date.now() + timeout;
  let ended = false;
  void process.finally(() => (ended = true));
  for (;;) {
    try {
      if (await ready()) return;
    } catch {
      // not listening yet
    }
    if (ended || Date.now() > deadline) throw new Error(`server did not start:\n${String((await process.catch((error) => error)).all ?? '')}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** Start Azurite's blob service on a free loopback port (added to `background`, for the caller to stop); resolve to the port. */
export async function startAzurite(background: ResultPromise[]): Promise<number> {
  const azurite = process.env.MLEXP_AZURITE;
  if (!azurite || !existsSync(azurite)) {
    throw new Error('MLEXP_AZURITE must name an azurite-blob binary (.ci/run installs one into .cache/azurite)');
  }
  const port = await freePort();
  const location = tmpFolder('mlexp-azurite-');
  const args = ['--loose', '--skipApiVersionCheck', '--location', location, '--blobHost', '127.0.0.1', '--blobPort', String(port)];
  const server = execa(azurite, args, { reject: false, all: true });
  background.push(server);
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/devstoreaccount1?comp=list`)).status > 0, server, 60_000);
  return port;
}
