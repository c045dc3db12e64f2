import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI, listFiles, ROOT, tmpFolder } from '../../test/helpers.js';

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
    ['unknown env tool', ['demo', '--yes', '--env-tool', 'pixi'], /invalid --env-tool 'pixi'/],
    ['unsupported python', ['demo', '--yes', '--python', '3.9'], /invalid --python '3.9'/],
    ['package name with a dash', ['demo', '--yes', '--package-name', 'my-pkg'], /not a lowercase Python identifier/],
    ['package name that is a keyword', ['demo', '--yes', '--package-name', 'class'], /Python keyword/],
    ['package name that shadows the stdlib', ['json', '--yes'], /standard-library module 'json'/],
    ['package name that shadows a dependency', ['demo', '--yes', '--package-name', 'mlflow'], /dependency module/],
    ['package name a dependency of a dependency installs', ['demo', '--yes', '--package-name', 'py'], /^error: invalid --package-name: 'py' is a module the project's dependencies install/],
    ['project whose derived package is such a module', ['six', '--yes'], /'six' is a module the project's dependencies install/],
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
    expect(result.all).toMatch(/uv was not found, so nothing was installed: the steps below do it once it is\.\n[\s\S]*Next:\n {2}cd demo\n {2}uv sync\n {2}uv run pytest\n/);
    // the commands are printed once, not once by the install step and again by the next steps
    expect(String(result.all).match(/uv sync/g)).toHaveLength(1);
    expect(existsSync(path.join(cwd, 'demo', 'pyproject.toml'))).toBe(true);
    expect(existsSync(path.join(cwd, 'demo', '.git'))).toBe(false);
  });

  it('--python 3.13 with no such interpreter: writes the project and says what to run once there is one', async () => {
    const bin = tmpFolder('mlexp-bin-');
    symlinkSync(process.execPath, path.join(bin, 'node'));
    const cwd = tmpFolder();
    const result = await execa(path.join(bin, 'node'), [CLI, 'demo', '--yes', '--python', '3.13', '--skip-git'], {
      cwd,
      reject: false,
      stdin: 'ignore',
      env: { PATH: bin, HOME: tmpFolder('mlexp-home-') },
      extendEnv: false,
      all: true,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.all).toMatch(/python3\.13 was not found \(on PATH or in pyenv\), so nothing was installed: the steps below do it once it is\./);
    expect(result.all).toMatch(/Next:\n {2}cd demo\n {2}python3\.13 -m venv \.venv\n/);
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
});

describe('mlexp and yo write the same project', () => {
  it('`mlexp demo --yes --skip-install` equals `yo mlexp demo --yes --skip-install` (real yo 7)', async () => {
    // yo finds generators in node_modules up the tree; as root it drops privileges, so the
    // folder and HOME must be writable by anyone. Both runs share HOME (and so git identity).
    const home = tmpFolder('mlexp-home-');
    chmodSync(home, 0o777);
    const viaMlexp = tmpFolder();
    // the same --python for both: yo runs as another user, who may see other interpreters
    const result = await execa('node', [CLI, 'demo', '--yes', '--skip-install', '--python', '3.12'], {
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
    const yo = await execa(path.join(ROOT, 'node_modules', '.bin', 'yo'), ['mlexp', 'demo', '--yes', '--skip-install', '--python', '3.12'], {
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

  it('`yo mlexp --help` lists the sub-commands and hides Yeoman internals', async () => {
    const home = tmpFolder('mlexp-home-');
    chmodSync(home, 0o777);
    const cwd = tmpFolder();
    mkdirSync(path.join(cwd, 'node_modules'));
    symlinkSync(ROOT, path.join(cwd, 'node_modules', 'generator-mlexp'));
    chmodSync(cwd, 0o777);
    const yo = await execa(path.join(ROOT, 'node_modules', '.bin', 'yo'), ['mlexp', '--help'], {
      cwd,
      reject: false,
      stdin: 'ignore',
      env: { HOME: home, NO_UPDATE_NOTIFIER: '1' },
    });
    expect(yo.exitCode, yo.stderr).toBe(0);
    for (const command of ['dataset', 'model', 'evaluator', 'upgrade', 'preset']) expect(yo.stdout).toContain(`yo mlexp:${command}`);
    for (const internal of ['--skip-cache', '--ask-answered', '--force-install']) expect(yo.stdout).not.toContain(internal);
    expect(yo.stdout).toContain('--tracker');
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

describe('mlexp explains itself', () => {
  const version = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;

  it.each([['--version'], ['-V']])('%s prints the version', async (flag) => {
    const result = await mlexp([flag], tmpFolder());
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });

  it('--help lists every sub-command and hides Yeoman internals', async () => {
    const result = await mlexp(['--help'], tmpFolder());
    expect(result.exitCode).toBe(0);
    for (const command of ['dataset', 'model', 'evaluator', 'upgrade', 'preset']) {
      expect(result.stdout).toMatch(new RegExp(`^  mlexp ${command}\\b.*  \\S`, 'm'));
    }
    for (const internal of ['--skip-cache', '--ask-answered', '--local-config-only', '--skip-yo-resolve', '--force-install', '--cwd']) {
      expect(result.stdout).not.toContain(internal);
    }
    expect(result.stdout).toMatch(/--python <value> .*Default:/s);
    expect(result.stdout).not.toMatch(/\.\./);
  });

  it('`mlexp help <command>` is that command\'s --help; an unknown topic is one line', async () => {
    const help = await mlexp(['help', 'dataset'], tmpFolder());
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/^Usage: mlexp dataset/);
    expect(help.stdout).toContain('--source');
    const general = await mlexp(['help'], tmpFolder());
    expect(general.stdout).toMatch(/^Usage: mlexp \[options\] \[project-name\]/);
    const unknown = await mlexp(['help', 'nope'], tmpFolder());
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr.trim()).toBe("error: no command 'nope': use one of dataset, model, evaluator, upgrade, preset, or `mlexp help`");
  });

  it('a closed pipe (`mlexp --help | head -1`) is no stack trace', async () => {
    const result = await execa('bash', ['-c', `node ${CLI} --help | head -1`], { reject: false });
    expect(result.stdout).toMatch(/^Usage: mlexp/);
    expect(result.stderr).toBe('');
  });

  it('an error about the project name names the argument, not a --project-name option', async () => {
    const result = await mlexp(['../evil', '--yes', '--skip-install', '--skip-git'], tmpFolder());
    expect(result.stderr.trim()).toMatch(/^error: invalid <project-name>: '\.\.\/evil' is a path/);
  });

  it('next-step lines are shell-quoted', async () => {
    const cwd = tmpFolder();
    const result = await mlexp(['My Churn Model', '--yes', '--skip-install', '--skip-git'], cwd);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain("\n  cd 'My Churn Model'\n");
  });

  it('Ctrl-C at a prompt exits 130 with one line and writes nothing', async () => {
    const cwd = tmpFolder();
    // a real terminal: Python's pty runs mlexp, waits for the first question, then sends Ctrl-C
    const driver = [
      'import os, pty, sys, time',
      'pid, fd = pty.fork()',
      `if pid == 0: os.execvp("node", ["node", ${JSON.stringify(CLI)}, "demo", "--skip-install", "--skip-git"])`,
      'out = b""',
      'deadline = time.time() + 30',
      'while b"Python package name" not in out and time.time() < deadline: out += os.read(fd, 4096)',
      'os.write(fd, b"\\x03")',
      'while True:',
      '    try: chunk = os.read(fd, 4096)',
      '    except OSError: break',
      '    if not chunk: break',
      '    out += chunk',
      '_, status = os.waitpid(pid, 0)',
      'sys.stdout.write(out.decode(errors="replace"))',
      'sys.exit(os.waitstatus_to_exitcode(status))',
    ].join('\n');
    const result = await execa('python3', ['-c', driver], { cwd, reject: false, env: { NO_COLOR: '1' } });
    expect(result.exitCode, result.stdout).toBe(130);
    const after = result.stdout.slice(result.stdout.indexOf('Python package name'));
    expect(after).toContain('mlexp: interrupted, nothing more was done');
    expect(after).not.toMatch(/ExitPromptError|at .*\.js:\d+/);
    expect(listFiles(cwd)).toEqual([]);
  });
});

describe('names keep their meaning', () => {
  it.each([
    ['json', []],
    ['okname', ['--package-name', 'class']],
    ['customer-churn-prediction-for-the-emea-region', []],
  ])('`mlexp %s %s`, refused, leaves no folder behind', async (name, flags) => {
    const cwd = tmpFolder();
    const result = await mlexp([name, ...flags, '--yes', '--skip-install', '--skip-git'], cwd);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toMatch(/^error: invalid --package-name: [^\n]+$/);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it.each([['007'], ['0x1f'], ['1e3']])('`mlexp %s` writes the folder %s and records that name', async (name) => {
    const cwd = tmpFolder();
    const result = await mlexp([name, '--package-name', 'p', '--yes', '--skip-install', '--skip-git'], cwd);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readdirSync(cwd)).toEqual([name]);
    expect(JSON.parse(readFileSync(path.join(cwd, name, '.yo-rc.json'), 'utf8'))['generator-mlexp'].projectName).toBe(name);
    expect(result.stderr).toContain(`Created ${name} in ${name}.`);
  });

  it('`mlexp -0` is refused as a name that reads as an option, not as a missing name', async () => {
    const result = await mlexp(['-0', '--yes', '--skip-install', '--skip-git'], tmpFolder());
    expect(result.stderr.trim()).toMatch(/^error: invalid <project-name>: '-0' starts with '-'/);
  });

  it.each([['yes'], ['no'], ['on'], ['null'], ['123']])('a project named %s keeps its name as a string in every YAML file', async (name) => {
    const cwd = tmpFolder();
    const extra = /^\d/.test(name) ? ['--package-name', 'p'] : [];
    const result = await mlexp([name, ...extra, '--yes', '--skip-install', '--skip-git', '--tracker', 'databricks'], cwd);
    expect(result.exitCode, result.stderr).toBe(0);
    const root = path.join(cwd, name);
    // PyYAML, which the project's config loader uses, reads YAML 1.1: there `yes` is a boolean
    const read = (file: string) => parseYaml(readFileSync(path.join(root, file), 'utf8'), { version: '1.1' });
    expect(read('configs/experiment.yaml').experiment).toBe(name);
    expect(read('configs/regression.yaml').experiment).toBe(`${name}-regression`);
    expect(read('databricks.yml').bundle.name).toBe(name);
  });
});

describe('generating inside another git repository', () => {
  it('gives the project a nested repository of its own, with the pristine branch, and says so', async () => {
    const outer = tmpFolder('mlexp-outer-');
    const env = { GIT_CONFIG_NOSYSTEM: '1', HOME: tmpFolder('mlexp-home-') };
    await execa('git', ['init', '--quiet'], { cwd: outer, env });
    const result = await execa('node', [CLI, 'demo', '--yes', '--skip-install'], { cwd: outer, env, reject: false, stdin: 'ignore' });
    expect(result.exitCode, result.stderr).toBe(0);
    const project = path.join(outer, 'demo');
    const top = await execa('git', ['rev-parse', '--show-toplevel'], { cwd: project, env });
    expect(top.stdout).toBe(realpathSync(project));
    expect((await execa('git', ['branch', '--list', 'mlexp/pristine'], { cwd: project, env })).stdout).toContain('mlexp/pristine');
    expect(result.stderr).toContain(`It is a git repository of its own, nested in the one at ${realpathSync(outer)}`);
    // the outer repository is untouched: it sees one untracked folder
    expect((await execa('git', ['status', '--porcelain'], { cwd: outer, env })).stdout).toBe('?? demo/');
  });
});
