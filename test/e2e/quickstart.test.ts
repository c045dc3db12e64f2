/**
 * The README's quick start, as a newcomer types it: on a fresh copy of this repository, its first
 * command (read from the README itself) installs, builds and links `mlexp`, and generates the
 * default project beside the checkout, with its own repository and environment; then the
 * "Growing a project" commands work inside it, and the project passes its own GitHub workflow, run
 * step by step on a fresh clone (ci-runner.ts). And `mlexp p --yes` on a machine whose only Python
 * is 3.11 installs the environment with 3.11.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { availablePythons, findPython } from '../../src/project/python.js';
import { CLI, ROOT, tmpFolder } from '../helpers.js';
import { githubJobs, preCommitLeavesItClean, runCi } from './ci-runner.js';
import { projectEnv } from './project.js';

/** The first line of the first bash block under "## Quick start". */
function quickStartCommand(): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Quick start'));
  const block = /```bash\n([^\n]+)\n/.exec(section);
  if (!block?.[1]) throw new Error('README.md has no bash block under "## Quick start"');
  return block[1];
}

/** A copy of this repository as a fresh clone has it: tracked files (and new, unignored ones). */
async function freshCopy(into: string): Promise<string> {
  const target = path.join(into, 'generator-mlexp');
  const files = await execa('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT });
  mkdirSync(target, { recursive: true });
  // regular files only: a symlinked node_modules in a work tree (never in a clone) would let the
  // copy's `npm ci` empty the original's
  const list = files.stdout.split('\0').filter((file) => file && existsSync(path.join(ROOT, file)) && !lstatSync(path.join(ROOT, file)).isSymbolicLink());
  await execa('tar', ['-cf', '-', '--null', '-T', '-'], { cwd: ROOT, input: list.join('\0'), encoding: 'buffer' }).then((tar) =>
    execa('tar', ['-xf', '-'], { cwd: target, input: tar.stdout }),
  );
  return target;
}

function pipSettings(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[0].startsWith('PIP_') && entry[1] !== undefined));
}

describe('README quick start on a fresh copy', () => {
  it('the first command generates ../my-experiments with its own repository, and mlexp works inside it', async () => {
    const sandbox = tmpFolder('mlexp-quickstart-');
    const checkout = await freshCopy(sandbox);
    // `npm install --global` goes to a prefix of the test's own, put first on PATH as npm's is
    const prefix = path.join(sandbox, 'npm-global');
    const env = projectEnv({
      npm_config_prefix: prefix,
      PATH: `${path.join(prefix, 'bin')}:${process.env.PATH ?? ''}`,
      GIT_CEILING_DIRECTORIES: sandbox,
    });
    const first = await execa('bash', ['-e', '-c', quickStartCommand()], { cwd: checkout, env, reject: false, all: true, stdin: 'ignore' });
    expect(first.exitCode, String(first.all).slice(-4000)).toBe(0);

    const project = path.join(sandbox, 'my-experiments');
    expect(existsSync(path.join(project, '.venv', 'bin', 'python'))).toBe(true);
    const git = (args: string[]) => execa('git', args, { cwd: project, env });
    expect((await git(['rev-parse', '--show-toplevel'])).stdout).toBe(project);
    expect((await git(['log', '--format=%s'])).stdout).toMatch(/^Generate my-experiments with generator-mlexp/);
    expect((await git(['branch', '--list', 'mlexp/pristine'])).stdout).toContain('mlexp/pristine');
    expect((await git(['status', '--porcelain'])).stdout).toBe('');
    // nothing of the project landed in the checkout
    expect((await execa('git', ['status', '--porcelain'], { cwd: checkout, env }).catch(() => ({ stdout: '' }))).stdout).toBe('');

    // "Growing a project", as written: `mlexp` is on PATH
    const grown = await execa('mlexp', ['dataset', 'customer_churn'], { cwd: path.join(project, 'src'), env, reject: false, all: true, stdin: 'ignore' });
    expect(grown.exitCode, String(grown.all)).toBe(0);
    expect(existsSync(path.join(project, 'src', 'my_experiments', 'datasets', 'customer_churn.py'))).toBe(true);
    const tests = await execa(path.join(project, '.venv', 'bin', 'pytest'), ['-q', '-p', 'no:cacheprovider', '-k', 'customer_churn'], {
      cwd: project,
      env,
      reject: false,
      all: true,
    });
    expect(tests.exitCode, String(tests.all)).toBe(0);
    await git(['add', '--all']);
    await git(['-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '--quiet', '-m', 'Add the customer_churn dataset']);

    // its own GitHub workflow, as a runner runs it on the first push (the newest Python found here)
    const stored = JSON.parse(readFileSync(path.join(project, '.yo-rc.json'), 'utf8'))['generator-mlexp'];
    expect(stored.python).toBe(availablePythons().at(-1));
    // the image job runs `docker build`, which needs a daemon this machine lacks: it is checked
    // for what it runs, and the Dockerfile it builds is linted (Lint: hadolint) and parsed (Test:
    // tests/test_dockerfile.py) by the test job, which runs step by step
    const { image, ...jobs } = githubJobs(project);
    expect(image?.steps.map((step) => step.run ?? step.uses)).toEqual(['actions/checkout@v4', 'docker build --tag my-experiments:ci .']);
    const generated = { root: project, packageName: stored.packageName as string, envTool: 'venv' };
    for (const [job, { steps }] of Object.entries(jobs)) {
      const { clone, runner, ran } = await runCi(generated, `ci.yml job ${job}`, steps);
      expect(ran).toEqual(expect.arrayContaining(['Lint', 'Type check', 'Test', 'Notebooks have no outputs', 'Docs']));
      expect(existsSync(path.join(clone, 'site', 'reference', 'index.html'))).toBe(true);
      await preCommitLeavesItClean(clone, 'venv', runner);
    }
  });

  it('`mlexp p --yes` where the newest Python is 3.11 installs the environment with 3.11', async () => {
    const interpreter = findPython('3.11');
    if (!interpreter) throw new Error('this test needs Python 3.11, which every supported machine has');
    // a PATH with node, git and python3.11 only, and a HOME without pyenv
    const bin = tmpFolder('mlexp-bin-');
    for (const [name, target] of [
      ['node', process.execPath],
      ['git', (await execa('bash', ['-c', 'command -v git'])).stdout],
      ['python3.11', interpreter],
    ] as const) {
      symlinkSync(target, path.join(bin, name));
    }
    const cwd = tmpFolder();
    const result = await execa(path.join(bin, 'node'), [CLI, 'p', '--yes'], {
      cwd,
      // pip's own settings (cache, certificates, index) pass through, as on the user's machine
      env: { ...pipSettings(), PATH: bin, HOME: tmpFolder('mlexp-home-') },
      extendEnv: false,
      reject: false,
      all: true,
      stdin: 'ignore',
    });
    expect(result.exitCode, String(result.all).slice(-3000)).toBe(0);
    const stored = JSON.parse(readFileSync(path.join(cwd, 'p', '.yo-rc.json'), 'utf8'))['generator-mlexp'];
    expect(stored.python).toBe('3.11');
    const version = await execa(path.join(cwd, 'p', '.venv', 'bin', 'python'), ['-c', 'import sys, p; print(sys.version_info[:2])']);
    expect(version.stdout).toBe('(3, 11)');
  });
});
