/**
 * Property test: random answer sets (unicode and hostile text included) either fail validation
 * with one clear line, or give a project whose TOML, YAML and JSON parse, whose Python compiles,
 * whose package imports, and where no template marker is left unrendered.
 * `FUZZ_RUNS=5000 npx vitest run --project unit test/fuzz.test.ts` runs thousands of cases.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../src/core/errors.js';
import { validateAnswer } from '../src/options/options.js';
import { CIS, ENV_TOOLS, LICENSES, PYTHON_VERSIONS, STRUCTURES, TRACKERS } from '../src/options/values.js';
import { derivePackageName } from '../src/options/names.js';
import { listFiles, parseStructuredFiles, ROOT, runApp, tmpFolder } from './helpers.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

const hostile = fc.constantFrom('"', "'", '\\', '\n', '#', ':', '{{', '}}', '<%', '%>', '<%= x %>', '${x}', '- ', '[', ']', '\t', 'é', '日本', '🙂', 'null', 'true');
const text = fc.array(fc.oneof(fc.string({ maxLength: 6 }), hostile, fc.constantFrom(' ', '-', '_')), { maxLength: 8 }).map((parts) => parts.join(''));
const name = fc.oneof(
  text,
  fc.constantFrom('class', 'json', 'mlflow', '2024 churn', 'Données clients', 'my-exp', '  padded', '日本語', 'a/b', '..', 'Churn Model v2'),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9 _-]{0,20}$/),
);
const answers = fc.record(
  {
    projectName: name,
    packageName: fc.oneof(fc.constant(undefined), fc.stringMatching(/^[a-z_][a-z0-9_]{0,12}$/), text),
    description: text,
    authorName: text,
    authorEmail: fc.oneof(fc.constant(''), fc.emailAddress(), text),
    python: fc.constantFrom(...PYTHON_VERSIONS),
    envTool: fc.constantFrom(...ENV_TOOLS),
    tracker: fc.constantFrom(...TRACKERS),
    structure: fc.constantFrom(...STRUCTURES),
    license: fc.constantFrom(...LICENSES),
    ci: fc.constantFrom(...CIS),
  },
  { requiredKeys: ['projectName', 'description', 'authorName', 'authorEmail', 'python', 'envTool', 'tracker', 'structure', 'license', 'ci'] },
);

/** Lines holding `<%` or `%>` that do not come from the user's own text (raw or escaped). */
function leftoverMarkers(root: string, userText: string[]): string[] {
  const fragments = userText.filter(Boolean).flatMap((value) => [value, JSON.stringify(value).slice(1, -1)]);
  const found: string[] = [];
  for (const file of listFiles(root)) {
    for (const line of readFileSync(path.join(root, file), 'utf8').split('\n')) {
      if (/<%|%>/.test(line) && !fragments.some((fragment) => /<%|%>/.test(fragment) && line.includes(fragment))) {
        found.push(`${file}: ${line}`);
      }
    }
  }
  return found;
}

describe('fuzzed answers', () => {
  it(`${RUNS} random answer sets: a clear error or a sound project`, async () => {
    let generated = 0;
    await fc.assert(
      fc.asyncProperty(answers, async (input) => {
        const { projectName, ...options } = input;
        const cwd = tmpFolder('mlexp-fuzz-');
        try {
          // passed as an option, not argv, so a name like `-x` reaches validation instead of the parser
          await runApp(undefined, { ...options, projectName }).cd(cwd);
        } catch (error) {
          // Refused: it must be our one-line validation error, not a crash.
          expect(error, String((error as Error).stack)).toBeInstanceOf(Error);
          expect((error as Error).name).toBe(new UserError('').name);
          expect((error as Error).message).not.toContain('\n');
          return;
        }
        generated += 1;
        const packageName = input.packageName ?? derivePackageName(projectName)!;
        expect(validateAnswer('packageName', packageName, {})).toBeUndefined();
        const root = path.join(cwd, projectName);
        parseStructuredFiles(root);
        expect(leftoverMarkers(root, [input.description, input.authorName, input.authorEmail, projectName])).toEqual([]);
        await execa('python3', [path.join(ROOT, 'test', 'fuzz-check.py'), root, packageName]);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    console.log(`fuzz: ${generated} of ${RUNS} answer sets generated a project, the rest were refused`);
    expect(generated).toBeGreaterThan(RUNS / 10);
  }, 600_000);
});
