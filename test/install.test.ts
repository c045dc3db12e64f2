/**
 * The install step's output: what the env tool prints is passed through as it comes, and a
 * silence longer than the limit gets a line saying the step is still working.
 */
import { describe, expect, it } from 'vitest';
import { runAloud } from '../src/project/install.js';

async function run(script: string, quietMs: number) {
  const said: string[] = [];
  const echoed: string[] = [];
  const exitCode = await runAloud(process.execPath, ['-e', script], {
    cwd: process.cwd(),
    say: (line) => said.push(line),
    quietMs,
    echo: (chunk, stream) => echoed.push(`${stream}:${chunk.toString()}`),
  });
  return { exitCode, said, echoed: echoed.join('') };
}

describe('the install step is never silent for long', () => {
  it('says the command is still working through a silence, and passes its output and exit code on', async () => {
    const { exitCode, said, echoed } = await run("setTimeout(() => { console.log('unpacked'); process.exit(3); }, 2500)", 600);
    expect(exitCode).toBe(3);
    expect(echoed).toContain('stdout:unpacked');
    expect(said.length).toBeGreaterThanOrEqual(2);
    for (const line of said) expect(line).toMatch(/^ {2}… node is still working \(\d+ s so far\)$/);
  });

  it('says nothing over a command that keeps talking for longer than the limit', async () => {
    const events: string[] = [];
    const script = "let n = 0; const t = setInterval(() => { console.error('line ' + n); if (++n === 40) clearInterval(t); }, 100)";
    const exitCode = await runAloud(process.execPath, ['-e', script], {
      cwd: process.cwd(),
      say: () => events.push('said'),
      quietMs: 1500,
      echo: (chunk) => events.push(chunk.toString()),
    });
    expect(exitCode).toBe(0);
    expect(events.join('')).toContain('line 39');
    // about 4 s of output, a line every 0.1 s: once it has started talking, nothing is said over it
    expect(events.slice(events.findIndex((event) => event !== 'said'))).not.toContain('said');
  });
});
