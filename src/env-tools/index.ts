/**
 * The env tools, one module each (src/env-tools/<tool>.ts), registered by their ENV_TOOLS value.
 * Everything the generator knows about a tool comes from its module: the files, the install, the
 * run prefix, CI, the image, the lock files and the phrases the docs use.
 */
import type { EnvTool } from '../options/values.js';
import { conda } from './conda.js';
import { pipenv } from './pipenv.js';
import { poetry } from './poetry.js';
import type { EnvToolModule } from './shared.js';
import { uv } from './uv.js';
import { venv } from './venv.js';

export type { CiEnvironment, Command, DependencyEditor, DockerInstall, EnvToolModule, FileEdit, GroupUse } from './shared.js';

export const ENV_TOOL_MODULES: Record<EnvTool, EnvToolModule> = { venv, conda, poetry, uv, pipenv };
