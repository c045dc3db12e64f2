import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI, listFiles, ROOT, tmpFolder } from '../../test/helpers.js';

const ENV = { NO_COLOR: '1', GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z' };

async function mlexp(args: string[], cwd: string, env: Record<string, string> = {}) {
  return execa('node', [CLI, ...args], { cwd, reject: false, stdin: 'ignore', all: true, env: { ...ENV, ...env } });
}

async function git(cwd: string, ...args: string[]) {
  return (await execa('git', args, { cwd, env: ENV })).stdout.trim();
}

/** A generated, committed project with the kinds of edits users make, committed too. */
async function editedProject(options: string[] = []): Promise<string> {
  const cwd = tmpFolder();
  const result = await mlexp(['proj', '--yes', '--skip-install', ...options], cwd);
  expect(result.exitCode, result.all).toBe(0);
  const root = path.join(cwd, 'proj');
  // a changed line in a templated file, a new file, a deleted file, an edit to the example code
  const readme = path.join(root, 'README.md');
  writeFileSync(readme, readFileSync(readme, 'utf8').replace(/^# proj$/m, '# Proj: churn experiments'));
  writeFileSync(path.join(root, 'src/proj/features.py'), '"""Our features."""\n\nCOLUMNS = ["a", "b"]\n');
  rmSync(path.join(root, 'docs/evaluation.md'));
  const linear = path.join(root, 'src/proj/models/linear.py');
  writeFileSync(linear, readFileSync(linear, 'utf8').replace('Standardise features, then', 'Our team: standardise, then'));
  await git(root, 'add', '-A');
  await git(root, '-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-qm', 'our edits');
  return root;
}

/** Everything an upgrade could touch: files, HEAD, every ref, the index state. */
async function state(root: string) {
  return {
    files: Object.fromEntries(listFiles(root).map((file) => [file, readFileSync(path.join(root, file), 'utf8')])),
    refs: await git(root, 'for-each-ref', '--format=%(refname) %(objectname)'),
    head: await git(root, 'rev-parse', 'HEAD'),
    status: await git(root, 'status', '--porcelain'),
  };
}

/** A copy of the templates with changes, standing in for a newer generator version. */
function newerTemplates(change: (root: string) => void): string {
  const copy = path.join(tmpFolder('mlexp-templates-'), 'templates');
  cpSync(path.join(ROOT, 'templates'), copy, { recursive: true });
  change(copy);
  return copy;
}

describe('mlexp upgrade', () => {
  it('merges a newer template over the user edits; a clash is a normal git conflict', async () => {
    const root = await editedProject();
    const templates = newerTemplates((copy) => {
      const readme = path.join(copy, 'app/base/files/README.md');
      // a change far from the user's edit, and one on the very line the user changed
      writeFileSync(
        readme,
        readFileSync(readme, 'utf8')
          .replace('# <%- projectName %>', '# <%- projectName %> (experiments)')
          .concat('\n## Support\n\nAsk in #ml-platform.\n'),
      );
      appendFileSync(path.join(copy, 'app/base/files/configs/regression.yaml'), '# tuned defaults: see docs/evaluation.md\n');
    });
    const pristineBefore = await git(root, 'rev-parse', 'mlexp/pristine');
    const result = await mlexp(['upgrade'], root, { MLEXP_TEMPLATES: templates });
    // a conflicted upgrade is not done: non-zero, with how to finish it and how to drop it
    expect(result.exitCode, result.all).toBe(1);
    expect(result.all).toMatch(/in conflict \(1\):\n {2}README\.md/);
    expect(result.all).toMatch(/^error: the upgrade stopped at 1 conflict\(s\): finish it with git add \+ git commit, or drop it with git merge --abort$/m);
    // the pristine branch waits for the merge to be committed
    expect(await git(root, 'rev-parse', 'mlexp/pristine')).toBe(pristineBefore);

    // the clash shows as git conflict markers and an unmerged index entry
    expect(await git(root, 'diff', '--name-only', '--diff-filter=U')).toBe('README.md');
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme).toMatch(/<<<<<<< HEAD\n# Proj: churn experiments\n=======\n# proj \(experiments\)\n>>>>>>> /);
    expect(readme).toContain('## Support'); // the non-clashing template change arrived
    expect(readFileSync(path.join(root, 'configs/regression.yaml'), 'utf8')).toContain('# tuned defaults');
    // every other user edit is still there; the deleted file stays deleted
    expect(readFileSync(path.join(root, 'src/proj/features.py'), 'utf8')).toContain('COLUMNS');
    expect(readFileSync(path.join(root, 'src/proj/models/linear.py'), 'utf8')).toContain('Our team: standardise');
    expect(existsSync(path.join(root, 'docs/evaluation.md'))).toBe(false);
    expect(listFiles(root).filter((file) => file.endsWith('.rej') || file.endsWith('.orig'))).toEqual([]);

    // while the merge is open, another upgrade says how to go on
    const during = await mlexp(['upgrade'], root, { MLEXP_TEMPLATES: templates });
    expect(during.exitCode).toBe(1);
    expect(during.all?.trim()).toMatch(/^error: an upgrade is in progress: resolve its conflicts/);

    // a plain `git merge --abort` loses nothing: the next upgrade starts over with the same change
    await git(root, 'merge', '--abort');
    const again = await mlexp(['upgrade'], root, { MLEXP_TEMPLATES: templates });
    expect(again.exitCode).toBe(1);
    expect(again.all).toContain('The earlier upgrade was not finished (its merge was aborted or undone): starting over.');
    expect(again.all).toMatch(/in conflict \(1\):\n {2}README\.md/);

    // finished by hand: the next upgrade records it, and then has nothing left to do
    writeFileSync(path.join(root, 'README.md'), readme.replace(/<<<<<<< HEAD\n(.*)\n=======\n.*\n>>>>>>> .*\n/, '$1\n'));
    await git(root, 'add', 'README.md');
    await git(root, '-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-q', '--no-edit');
    const after = await mlexp(['upgrade'], root, { MLEXP_TEMPLATES: templates });
    expect(after.exitCode, after.all).toBe(0);
    expect(after.all).toContain('Recorded the earlier upgrade, whose merge you committed: mlexp/pristine now holds its output.');
    expect(after.all).toContain('Already up to date');
    expect(await git(root, 'rev-parse', 'mlexp/pristine')).not.toBe(pristineBefore);
    expect(readFileSync(path.join(root, 'README.md'), 'utf8')).toContain('# Proj: churn experiments');
  });

  it('switches the tracker and env tool through the same merge; the merge is recorded with the pristine side', async () => {
    const root = await editedProject();
    const result = await mlexp(['upgrade', '--tracker', 'wandb', '--env-tool', 'uv'], root);
    expect(result.exitCode, result.all).toBe(0);
    expect(await git(root, 'status', '--porcelain')).toBe('');
    const files = listFiles(root);
    expect(files).toContain('src/proj/trackers/wandb_tracker.py');
    expect(files).not.toContain('src/proj/trackers/mlflow_tracker.py');
    expect(files).not.toContain('requirements.txt');
    expect(files).toContain('.python-version');
    expect(readFileSync(path.join(root, 'pyproject.toml'), 'utf8')).toMatch(/wandb>=/);
    expect(readFileSync(path.join(root, 'configs/experiment.yaml'), 'utf8')).toMatch(/tracker:\n {2}name: wandb/);
    const stored = JSON.parse(readFileSync(path.join(root, '.yo-rc.json'), 'utf8'))['generator-mlexp'];
    expect(stored).toMatchObject({ tracker: 'wandb', envTool: 'uv' });
    expect(readFileSync(path.join(root, 'src/proj/models/linear.py'), 'utf8')).toContain('Our team: standardise');
    expect(existsSync(path.join(root, 'docs/evaluation.md'))).toBe(false);
    // HEAD is a merge whose second parent is the new pristine output
    const parents = (await git(root, 'log', '-1', '--format=%P')).split(' ');
    expect(parents).toHaveLength(2);
    expect(parents[1]).toBe(await git(root, 'rev-parse', 'mlexp/pristine'));
    // a second upgrade with the same answers has nothing to do
    const again = await mlexp(['upgrade'], root);
    expect(again.all).toMatch(/Already up to date/);
  });

  it('keeps the env tool\'s lock, which its install wrote and no render can, and says to refresh it', async () => {
    const cwd = tmpFolder();
    expect((await mlexp(['proj', '--yes', '--skip-install', '--env-tool', 'uv'], cwd)).exitCode).toBe(0);
    const root = path.join(cwd, 'proj');
    // as an install leaves it: uv.lock in the first commit and in the recorded pristine output
    const lock = 'version = 1\n# as uv wrote it\n';
    writeFileSync(path.join(root, 'uv.lock'), lock);
    await git(root, 'add', 'uv.lock');
    await git(root, '-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-q', '--amend', '--no-edit');
    await git(root, 'branch', '-f', 'mlexp/pristine', 'HEAD');
    const dry = await mlexp(['upgrade', '--tracker', 'wandb', '--dry-run'], root);
    expect(dry.exitCode, dry.all).toBe(0);
    expect(dry.all).not.toContain('uv.lock');
    const result = await mlexp(['upgrade', '--tracker', 'wandb'], root);
    expect(result.exitCode, result.all).toBe(0);
    expect(readFileSync(path.join(root, 'uv.lock'), 'utf8')).toBe(lock);
    expect(result.all).toContain('run `uv sync` to update the environment and uv.lock, then commit uv.lock');
    // another env tool's install writes its own lock: the old one goes with the old tool
    const switched = await mlexp(['upgrade', '--env-tool', 'poetry', '--python', '3.12'], root);
    expect(switched.exitCode, switched.all).toBe(0);
    expect(existsSync(path.join(root, 'uv.lock'))).toBe(false);
    // and the new tool's environment and lock are the user's next step, named in full
    expect(switched.all).toMatch(/make its environment with `poetry env use python3\.1\d && poetry install`, then commit poetry\.lock/);
    // with the Python the same upgrade chose, not the one it replaced
    expect(switched.all).toContain('poetry env use python3.12 && poetry install');
  });

  it('--dry-run lists the changes and conflicts and changes nothing', async () => {
    const root = await editedProject();
    const before = await state(root);
    const result = await mlexp(['upgrade', '--tracker', 'none', '--dry-run'], root);
    expect(result.exitCode, result.all).toBe(0);
    expect(result.all).toMatch(/Dry run: nothing was changed/);
    expect(result.all).toMatch(/removed \(3\):\n {2}src\/proj\/plumbing\/mlflow_ui\.py\n {2}src\/proj\/trackers\/mlflow_tracker\.py/);
    expect(await state(root)).toEqual(before);
  });

  it('refuses a dirty tree', async () => {
    const root = await editedProject();
    writeFileSync(path.join(root, 'scratch.txt'), 'work in progress\n');
    const before = await state(root);
    const result = await mlexp(['upgrade', '--tracker', 'none'], root);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr.trim()).toBe(
      'error: the work tree has 1 uncommitted change(s): commit or stash them (`git stash -u`), then run the upgrade again',
    );
    expect(await state(root)).toEqual(before);
  });

  it('refuses dvc to none while DVC still holds data, cache or credentials; goes ahead once they are gone', async () => {
    const root = await editedProject(['--data-versioning', 'dvc', '--data-storage', 'local']);
    // what `dvc add` and `dvc push` leave: a committed pointer, the cache and tmp (ignored by .dvc/.gitignore)
    writeFileSync(path.join(root, 'data/raw/extra.csv.dvc'), 'outs:\n- md5: 0123456789abcdef0123456789abcdef\n  path: extra.csv\n');
    mkdirSync(path.join(root, '.dvc/cache/files/md5/01'), { recursive: true });
    writeFileSync(path.join(root, '.dvc/cache/files/md5/01/23456789abcdef0123456789abcdef'), 'a,b\n1,2\n');
    mkdirSync(path.join(root, '.dvc/tmp'));
    await git(root, 'add', '-A');
    await git(root, '-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-qm', 'data');
    const before = await state(root);
    for (const args of [['upgrade', '--data-versioning', 'none'], ['upgrade', '--data-versioning', 'none', '--dry-run']]) {
      const refused = await mlexp(args, root);
      expect(refused.exitCode).not.toBe(0);
      expect(refused.stderr.trim()).toBe(
        'error: --data-versioning none would leave what DVC keeps out of git unversioned and unignored (data/raw/extra.csv.dvc, .dvc/cache, .dvc/tmp): ' +
          'stop tracking each file with `dvc remove <file>.dvc` (the data file stays), delete all of .dvc/ but config and .gitignore, commit, then upgrade again',
      );
      expect(await state(root)).toEqual(before);
    }

    // credentials alone are enough to refuse: without .dvc/.gitignore, git would offer to commit them
    await git(root, 'rm', '-q', 'data/raw/extra.csv.dvc');
    rmSync(path.join(root, '.dvc/cache'), { recursive: true });
    rmSync(path.join(root, '.dvc/tmp'), { recursive: true });
    writeFileSync(path.join(root, '.dvc/config.local'), "['remote \"storage\"']\n    password = hunter2\n");
    await git(root, '-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-qm', 'no more DVC data');
    const credentials = await mlexp(['upgrade', '--data-versioning', 'none'], root);
    expect(credentials.exitCode).not.toBe(0);
    expect(credentials.stderr).toMatch(/unignored \(\.dvc\/config\.local\): /);

    rmSync(path.join(root, '.dvc/config.local'));
    const upgraded = await mlexp(['upgrade', '--data-versioning', 'none'], root);
    expect(upgraded.exitCode, upgraded.all).toBe(0);
    expect(upgraded.all).toMatch(/removed \(3\):\n {2}\.dvc\/\.gitignore\n {2}\.dvc\/config\n {2}\.dvcignore/);
    expect(await git(root, 'status', '--porcelain')).toBe('');
    expect(existsSync(path.join(root, '.dvc'))).toBe(false);
  });

  it('the printed abort command restores the exact previous commit, refs and tree', async () => {
    const root = await editedProject();
    const before = await state(root);
    const templates = newerTemplates((copy) => {
      const readme = path.join(copy, 'app/base/files/README.md');
      writeFileSync(readme, readFileSync(readme, 'utf8').concat('\n## Version 2\n'));
    });
    // a change that merges cleanly: the printed undo is a reset and a branch move
    const result = await mlexp(['upgrade', '--tracker', 'wandb'], root, { MLEXP_TEMPLATES: templates });
    expect(result.exitCode, result.all).toBe(0);
    const abort = /To undo the upgrade: (.+)/.exec(result.all)?.[1];
    expect(abort, result.all).toBeDefined();
    expect(await state(root)).not.toEqual(before);
    await execa('sh', ['-c', abort!], { cwd: root, env: ENV });
    expect(await state(root)).toEqual(before);
  });

  it('without a pristine branch, says how to adopt the project instead of guessing', async () => {
    const root = await editedProject();
    await git(root, 'branch', '-D', 'mlexp/pristine');
    const result = await mlexp(['upgrade'], root);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr.trim()).toMatch(
      /^error: no pristine generated output is recorded \(branch mlexp\/pristine is missing\): if commit C holds the files exactly as generated, run `git branch mlexp\/pristine C`, then upgrade again$/,
    );
  });

  it('refuses to rename the project or its package, in one line, and changes nothing', async () => {
    const root = await editedProject();
    const before = await state(root);
    const refusals: [string[], string][] = [
      [['--package-name', 'other'], 'error: --package-name cannot change in an upgrade: rename the package by hand, then upgrade'],
      [['--package-name=other'], 'error: --package-name cannot change in an upgrade: rename the package by hand, then upgrade'],
      [['--project-name', 'other'], 'error: --project-name cannot change in an upgrade: rename the project by hand, then upgrade'],
    ];
    for (const [args, message] of refusals) {
      const result = await mlexp(['upgrade', ...args, '--tracker', 'none'], root);
      expect(result.exitCode, result.all).toBe(1);
      // exactly the refusal: not commander's "unknown option", not a stack trace
      expect(result.stderr.trim(), args.join(' ')).toBe(message);
    }
    expect(await state(root)).toEqual(before);
    // the refused flags stay out of --help: they are accepted only to be refused
    const help = await mlexp(['upgrade', '--help'], root);
    expect(help.exitCode, help.all).toBe(0);
    expect(help.stdout).toContain('--tracker <value>');
    expect(help.stdout).not.toMatch(/--(package|project)-name/);
  });
});

describe('the pristine branch holds only what the generator wrote', () => {
  it('--skip-git, files added by hand, a re-run, then an upgrade: the user files stay', async () => {
    const cwd = tmpFolder();
    expect((await mlexp(['proj', '--yes', '--skip-install', '--skip-git'], cwd)).exitCode).toBe(0);
    const root = path.join(cwd, 'proj');
    writeFileSync(path.join(root, 'notes.md'), 'my notes\n');
    mkdirSync(path.join(root, 'analysis'));
    writeFileSync(path.join(root, 'analysis', 'work.py'), 'print("mine")\n');
    const rerun = await mlexp(['--yes', '--skip-install'], root);
    expect(rerun.exitCode, rerun.all).toBe(0);
    // the user's branch has everything; the pristine branch only the generated files
    const committed = (await git(root, 'ls-tree', '-r', '--name-only', 'HEAD')).split('\n');
    expect(committed).toEqual(expect.arrayContaining(['notes.md', 'analysis/work.py', 'README.md']));
    const pristine = (await git(root, 'ls-tree', '-r', '--name-only', 'mlexp/pristine')).split('\n');
    expect(pristine).toContain('README.md');
    expect(pristine).not.toContain('notes.md');
    expect(pristine).not.toContain('analysis/work.py');
    const upgrade = await mlexp(['upgrade', '--license', 'MIT'], root);
    expect(upgrade.exitCode, upgrade.all).toBe(0);
    expect(upgrade.all).not.toMatch(/removed \(/);
    expect(readFileSync(path.join(root, 'notes.md'), 'utf8')).toBe('my notes\n');
    expect(readFileSync(path.join(root, 'analysis', 'work.py'), 'utf8')).toBe('print("mine")\n');
    expect(existsSync(path.join(root, 'LICENSE'))).toBe(true);
  });

  it('an interrupt between the commit and the branch is repaired by running the same command again', async () => {
    const cwd = tmpFolder();
    expect((await mlexp(['proj', '--yes', '--skip-install'], cwd)).exitCode).toBe(0);
    const root = path.join(cwd, 'proj');
    await git(root, 'branch', '-D', 'mlexp/pristine');
    const again = await mlexp(['proj', '--yes', '--skip-install'], cwd);
    expect(again.exitCode, again.all).toBe(0);
    expect(again.all).toContain('Made the missing mlexp/pristine branch.');
    expect(await git(root, 'rev-parse', 'mlexp/pristine')).toBe(await git(root, 'rev-parse', 'HEAD'));
  });

  it('a .git with no commit (an interrupt after git init) gets its first commit on the next run', async () => {
    const cwd = tmpFolder();
    expect((await mlexp(['proj', '--yes', '--skip-install', '--skip-git'], cwd)).exitCode).toBe(0);
    const root = path.join(cwd, 'proj');
    await git(root, 'init', '-q', '--initial-branch=main');
    const again = await mlexp(['proj', '--yes', '--skip-install'], cwd);
    expect(again.exitCode, again.all).toBe(0);
    expect(again.all).toContain('Made the missing first commit.');
    expect(await git(root, 'log', '--format=%s')).toMatch(/^Generate proj with generator-mlexp/);
    expect(await git(root, 'status', '--porcelain')).toBe('');
    expect((await git(root, 'ls-tree', '-r', '--name-only', 'mlexp/pristine')).split('\n')).toContain('README.md');
  });
});

describe('re-runs and upgrades keep what the project records', () => {
  it('a re-run with another --package-name is refused; it would write a second package', async () => {
    const cwd = tmpFolder();
    expect((await mlexp(['proj', '--yes', '--skip-install'], cwd)).exitCode).toBe(0);
    const root = path.join(cwd, 'proj');
    const before = await state(root);
    const result = await mlexp(['--yes', '--skip-install', '--package-name', 'other'], root);
    expect(result.exitCode).toBe(1);
    expect(result.all?.trim()).toBe(
      "error: this project's package is 'proj' (.yo-rc.json): a re-run cannot rename it to 'other'; leave out --package-name, or rename the package by hand",
    );
    expect(await state(root)).toEqual(before);
  });

  it('a project made by a newer generator is refused by a re-run and an upgrade, unless --allow-older', async () => {
    const cwd = tmpFolder();
    expect((await mlexp(['proj', '--yes', '--skip-install'], cwd)).exitCode).toBe(0);
    const root = path.join(cwd, 'proj');
    const file = path.join(root, '.yo-rc.json');
    const answers = JSON.parse(readFileSync(file, 'utf8'));
    answers['generator-mlexp'].version = '99.0.0';
    writeFileSync(file, `${JSON.stringify(answers, null, 2)}\n`);
    await git(root, '-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-qam', 'made by 99');
    const before = await state(root);
    const rerun = await mlexp(['--yes', '--skip-install'], root);
    expect(rerun.exitCode).toBe(1);
    expect(rerun.all).toMatch(/^error: this project was made by generator-mlexp 99\.0\.0, newer than this \d+\.\d+\.\d+: .*--allow-older$/m);
    const upgrade = await mlexp(['upgrade'], root);
    expect(upgrade.exitCode).toBe(1);
    expect(upgrade.all).toMatch(/^error: this project was made by generator-mlexp 99\.0\.0, newer than this/m);
    expect(await state(root)).toEqual(before);
    const allowed = await mlexp(['--yes', '--skip-install', '--skip-git', '--allow-older'], root);
    expect(allowed.exitCode, allowed.all).toBe(0);
  });

  it('an upgrade on a detached HEAD is refused in one line', async () => {
    const root = await editedProject();
    await git(root, 'checkout', '-q', '--detach');
    const before = await state(root);
    const result = await mlexp(['upgrade', '--license', 'MIT'], root);
    expect(result.exitCode).toBe(1);
    expect(result.all?.trim()).toBe('error: HEAD is detached: check out the branch to upgrade (`git switch main`), then run the upgrade again');
    expect(await state(root)).toEqual(before);
  });
});

describe('an upgrade whose render fails', () => {
  it('is one line naming the cause, and changes nothing', async () => {
    const parent = tmpFolder('mlexp-presets-');
    expect((await mlexp(['preset', 'team-preset'], parent)).exitCode).toBe(0);
    const preset = path.join(parent, 'team-preset');
    const cwd = tmpFolder();
    expect((await mlexp(['proj', '--yes', '--skip-install', '--preset', preset], cwd)).exitCode).toBe(0);
    const root = path.join(cwd, 'proj');
    rmSync(preset, { recursive: true });
    const before = await state(root);
    const result = await mlexp(['upgrade', '--license', 'MIT'], root);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toBe(
      `error: the upgrade could not render the new output, so nothing changed: preset team-preset was recorded at ${preset}, which is gone: restore it there, or re-run with --preset <where it is now>`,
    );
    expect(await state(root)).toEqual(before);
  });
});
