import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI, listFiles, ROOT, tmpFolder } from './helpers.js';

/** Run the built `mlexp` bin with no terminal on stdin. */
function mlexp(args: string[], cwd: string) {
  return execa('node', [CLI, ...args], { cwd, reject: false, stdin: 'ignore', env: { NO_COLOR: '1' } });
}

/** Contents of every file of a tree (no .git), for comparing two trees. */
function snapshotTree(root: string): Record<string, string> {
  return Object.fromEntries(listFiles(root).map((file) => [file, readFileSync(path.join(root, file), 'utf8')]));
}

describe('mlexp: bad input is one line, a non-zero exit, and nothing written', () => {
  const cases: Array<[string, string[], RegExp, ((cwd: string) => void)?]> = [
    ['unknown tracker', ['demo', '--yes', '--tracker', 'mlfow'], /invalid --tracker 'mlfow': use one of/],
    ['unknown env tool', ['demo', '--yes', '--env-tool', 'pipenv'], /invalid --env-tool 'pipenv'/],
    ['unsupported python', ['demo', '--yes', '--python', '3.9'], /invalid --python '3.9'/],
    ['package name with a dash', ['demo', '--yes', '--package-name', 'my-pkg'], /not a lowercase Python identifier/],
    ['package name that is a keyword', ['demo', '--yes', '--package-name', 'class'], /Python keyword/],
    ['package name that shadows the stdlib', ['json', '--yes'], /standard-library module 'json'/],
    ['package name that shadows a dependency', ['demo', '--yes', '--package-name', 'mlflow'], /dependency module/],
    ['project name that is a path', ['../evil', '--yes'], /is a path/],
    ['no project name with --yes', ['--yes'], /no project name given/],
    ['a prompt with no terminal', ['demo'], /no terminal to ask/],
    ['unknown option', ['demo', '--yes', '--trackr', 'x'], /unknown option '--trackr'/],
    ['description on two lines', ['demo', '--yes', '--description', 'one\ntwo'], /invalid --description: the description spans several lines/],
    ['invalid e-mail', ['demo', '--yes', '--author-email', 'ada at home'], /invalid --author-email: 'ada at home' is not an e-mail address/],
    ['project name without ASCII letters', ['日本語', '--yes'], /no ASCII letter or digit/],
    [
      'a non-empty folder that is not an mlexp project',
      ['demo', '--yes'],
      /exists and is not empty, and is not an mlexp project/,
      (cwd) => {
        mkdirSync(path.join(cwd, 'demo'));
        writeFileSync(path.join(cwd, 'demo', 'notes.txt'), 'mine\n');
      },
    ],
    [
      'an empty .yo-rc.json (a generation killed while writing it)',
      ['--yes'],
      /\.yo-rc\.json is empty: a generation was interrupted/,
      (cwd) => writeFileSync(path.join(cwd, '.yo-rc.json'), ''),
    ],
    [
      'a hand-broken .yo-rc.json',
      ['--yes'],
      /\.yo-rc\.json is not valid JSON/,
      (cwd) => writeFileSync(path.join(cwd, '.yo-rc.json'), '{"generator-mlexp": {'),
    ],
  ];

  it.each(cases)('%s', async (_name, args, message, arrange) => {
    const cwd = tmpFolder();
    arrange?.(cwd);
    const before = snapshotTree(cwd);
    const result = await mlexp([...args, '--skip-install', '--skip-git'], cwd);
    expect(result.exitCode).not.toBe(0);
    const output = `${result.stderr}`.trim();
    expect(output).toMatch(message);
    expect(output.split('\n')).toHaveLength(1);
    expect(snapshotTree(cwd)).toEqual(before);
  });
});

describe('mlexp: what the machine lacks or does', () => {
  it('without git and without the env tool: writes the project, says what to run later, exits 0', async () => {
    const bin = tmpFolder('mlexp-bin-');
    symlinkSync(process.execPath, path.join(bin, 'node'));
    const cwd = tmpFolder();
    const result = await execa(path.join(bin, 'node'), [CLI, 'demo', '--yes', '--env-tool', 'uv'], {
      cwd,
      reject: false,
      stdin: 'ignore',
      env: { PATH: bin },
      extendEnv: false,
      all: true,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.all).toMatch(/uv was not found, so nothing was installed\. Once it is, run in .*:\n {2}uv sync/);
    expect(existsSync(path.join(cwd, 'demo', 'pyproject.toml'))).toBe(true);
    expect(existsSync(path.join(cwd, 'demo', '.git'))).toBe(false);
  });

  it('a read-only parent folder is refused before anything is written', async () => {
    const cwd = tmpFolder();
    chmodSync(cwd, 0o555);
    const result = await execa('runuser', ['-u', 'nobody', '--', process.execPath, CLI, 'demo', '--yes', '--skip-install'], {
      cwd,
      reject: false,
      stdin: 'ignore',
      env: { HOME: cwd },
    });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr.trim()).toMatch(/^error: cannot write to .*: run mlexp in a folder you can write to$/);
    expect(listFiles(cwd)).toEqual([]);
  });

  it('an interrupted generation is finished by the same command with --force', async () => {
    const cwd = tmpFolder();
    const args = [CLI, 'demo', '--yes', '--skip-install', '--skip-git'];
    const child = execa('node', args, { cwd, reject: false, stdin: 'ignore' });
    // kill it once .yo-rc.json (the first file written) holds the answers
    const marker = path.join(cwd, 'demo', '.yo-rc.json');
    const written = () => {
      try {
        return JSON.parse(readFileSync(marker, 'utf8'))['generator-mlexp'] !== undefined;
      } catch {
        return false;
      }
    };
    while (!written() && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 2));
    child.kill('SIGKILL');
    await child;
    // a file cut short by the kill differs from what the generator writes: without --force that
    // is a conflict prompt, as for any file the generator did not write just now
    const again = await execa('node', [...args, '--force'], { cwd, reject: false, stdin: 'ignore' });
    expect(again.exitCode, again.stderr).toBe(0);
    const clean = tmpFolder();
    await execa('node', args, { cwd: clean, stdin: 'ignore' });
    expect(snapshotTree(path.join(cwd, 'demo'))).toEqual(snapshotTree(path.join(clean, 'demo')));
  });
});

describe('mlexp and yo write the same project', () => {
  it('`mlexp demo --yes --skip-install` equals `yo mlexp demo --yes --skip-install` (real yo 7)', async () => {
    // yo finds generators in node_modules up the tree; as root it drops privileges, so the
    // folder and HOME must be writable by anyone. Both runs share HOME (and so git identity).
    const home = tmpFolder('mlexp-home-');
    chmodSync(home, 0o777);
    const viaMlexp = tmpFolder();
    const result = await execa('node', [CLI, 'demo', '--yes', '--skip-install'], {
      cwd: viaMlexp,
      reject: false,
      stdin: 'ignore',
      env: { HOME: home },
    });
    expect(result.exitCode, result.stderr).toBe(0);

    const viaYo = tmpFolder();
    mkdirSync(path.join(viaYo, 'node_modules'));
    symlinkSync(ROOT, path.join(viaYo, 'node_modules', 'generator-mlexp'));
    chmodSync(viaYo, 0o777);
    const yo = await execa(path.join(ROOT, 'node_modules', '.bin', 'yo'), ['mlexp', 'demo', '--yes', '--skip-install'], {
      cwd: viaYo,
      reject: false,
      stdin: 'ignore',
      env: { HOME: home, NO_UPDATE_NOTIFIER: '1' },
    });
    expect(yo.exitCode, `${yo.stdout}\n${yo.stderr}`).toBe(0);
    const mine = snapshotTree(path.join(viaMlexp, 'demo'));
    expect(Object.keys(mine).length).toBeGreaterThan(10);
    expect(snapshotTree(path.join(viaYo, 'demo'))).toEqual(mine);
  });

  it('makes an initial commit even with no git identity configured', async () => {
    const cwd = tmpFolder();
    const home = tmpFolder('mlexp-home-');
    const result = await execa('node', [CLI, 'demo', '--yes', '--skip-install'], {
      cwd,
      reject: false,
      stdin: 'ignore',
      env: { HOME: home, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: path.join(home, 'none') },
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const log = await execa('git', ['log', '--format=%an|%s'], { cwd: path.join(cwd, 'demo') });
    expect(log.stdout).toMatch(/^mlexp\|Generate demo with generator-mlexp/);
    const status = await execa('git', ['status', '--porcelain'], { cwd: path.join(cwd, 'demo') });
    expect(status.stdout).toBe('');
  });
});
