/**
 * The project's container: a two-stage Dockerfile whose build stage installs the runtime set with
 * the env tool's own files (each tool's lines come from its module's `docker`, src/env-tools/),
 * and whose runtime stage holds only that venv, the configs and a non-root user. The image runs
 * `python -m <package> run`; any other sub-command can be given to `docker run`.
 */
import type { Answers } from '../options/options.js';
import { distributionName } from '../options/names.js';
import { ENV_TOOL_MODULES } from '../env-tools/index.js';

/** The unprivileged user the image runs as, with a fixed uid (and gid) so mounts can be granted to it. */
export const IMAGE_USER = 'experiment';
export const IMAGE_UID = 10001;
/** Where the image keeps the project: configs, and what runs write (data, the embedded store). */
const APP = '/app';

/** One RUN instruction of several shell lines, each on its own line. */
const run = (lines: readonly string[]) => `RUN ${lines.join(' \\\n    && ')}`;
const env = (values: Record<string, string>) =>
  `ENV ${Object.entries(values)
    .map(([key, value]) => `${key}=${value}`)
    .join(' \\\n    ')}`;

export function dockerfile(answers: Answers): string {
  const strategy = ENV_TOOL_MODULES[answers.envTool];
  const install = strategy.docker(answers);
  const image = distributionName(answers.projectName) ?? answers.packageName;
  const venv = { VIRTUAL_ENV: '/opt/venv', PATH: '/opt/venv/bin:$PATH' };
  const dependencyFiles = install.dependencyFiles;
  const laterFiles = install.projectFiles.filter((file) => !dependencyFiles.includes(file));
  const lines = [
    '# syntax=docker/dockerfile:1',
    `# The experiment as an image: \`docker build --tag ${image} .\`, then \`docker run --rm ${image}\``,
    `# runs \`python -m ${answers.packageName} run\`; other commands follow the image name, e.g.`,
    `# \`docker run --rm ${image} sweep --trials 5\`. No secret is copied in (see .dockerignore):`,
    '# give the tracker its settings when the container starts (`--env-file .env`, or `-e NAME`).',
    '',
    '# --- build: the runtime dependencies and the package, installed into /opt/venv',
    `FROM ${install.base} AS build`,
    env({ PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_ROOT_USER_ACTION: 'ignore', ...venv, ...install.env }),
    'WORKDIR /build',
    // the dependency layer is rebuilt only when the files it reads change, not on every code edit
    ...(dependencyFiles.length > 0 ? [`COPY ${dependencyFiles.join(' ')} ./`] : []),
    run(install.dependencies),
    ...(laterFiles.length > 0 ? [`COPY ${laterFiles.join(' ')} ./`] : []),
    'COPY src/ src/',
    run(install.project),
    '',
    '# --- runtime: the venv, the configs and an unprivileged user; no build tools, no source tree',
    `FROM ${install.base} AS runtime`,
    run([
      `groupadd --gid ${IMAGE_UID} ${IMAGE_USER}`,
      `useradd --no-log-init --create-home --uid ${IMAGE_UID} --gid ${IMAGE_UID} ${IMAGE_USER}`,
      `install -d -o ${IMAGE_UID} -g ${IMAGE_UID} ${APP}`,
    ]),
    env({ ...venv, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' }),
    'COPY --from=build /opt/venv /opt/venv',
    `WORKDIR ${APP}`,
    // pyproject.toml marks the project root: configs' relative paths and the embedded store resolve here
    `COPY --chown=${IMAGE_UID}:${IMAGE_UID} pyproject.toml ./`,
    `COPY --chown=${IMAGE_UID}:${IMAGE_UID} configs/ configs/`,
    // numeric, so the host and Kubernetes' runAsNonRoot see a non-root uid
    `USER ${IMAGE_UID}:${IMAGE_UID}`,
    `ENTRYPOINT ["python", "-m", "${answers.packageName}"]`,
    'CMD ["run"]',
  ];
  return `${lines.join('\n')}\n`;
}
