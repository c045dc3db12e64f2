/**
 * Writes stay inside the project. Before a generator writes anything, every file it is about to
 * write is checked: it must lie inside the project folder once symbolic links are followed (a
 * symlinked `README.md` or `configs/` pointing elsewhere is refused, not written through), and never
 * inside `.git/`. One refused path stops the whole write, with a line that names it.
 */
import { lstatSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../core/errors.js';

/** Where `file` really lands: its own link target if it is a symlink, else its nearest existing folder's. */
function landing(file: string): string {
  let current = file;
  for (;;) {
    try {
      lstatSync(current);
      // exists (or is a link, dangling or not): realpath follows it; a dangling link cannot be resolved
      try {
        return path.join(realpathSync(current), path.relative(current, file));
      } catch (error) {
        if ((error as { code?: string }).code === 'ELOOP') {
          throw new UserError(`${file} is a symbolic link that leads back to itself (a loop): remove it or point it at a file, then run again`);
        }
        throw new UserError(`${file} is a symbolic link to nothing: remove it or point it inside the project, then run again`);
      }
    } catch (error) {
      if (error instanceof UserError) throw error;
      const parent = path.dirname(current);
      if (parent === current) return file;
      current = parent;
    }
  }
}

function inside(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return relative === '' || (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative));
}

/** Throw a UserError naming the first of `files` that would be written outside `root`, or into `.git/`. */
export function checkWritesInside(root: string, files: Iterable<string>): void {
  const realRoot = landing(root);
  for (const file of files) {
    const relative = path.relative(root, file);
    if (!inside(root, file)) throw new UserError(`refusing to write ${file}: it is outside the project ${root}`);
    if (relative.split(path.sep)[0] === '.git') {
      throw new UserError(`refusing to write ${relative}: nothing is written into .git/ (a preset template there?)`);
    }
    const target = landing(file);
    if (!inside(realRoot, target)) {
      throw new UserError(`refusing to write ${relative}: it is a symbolic link (or inside one) that leads out of the project, to ${target}`);
    }
  }
}

/** Paths a preset's templates may not produce: git's own folder and the project's stored answers. */
export function forbiddenTemplateTarget(target: string): boolean {
  const first = target.split('/')[0];
  return first === '.git' || target === '.yo-rc.json';
}
