/**
 * A UserError is a problem with the user's input or folder, not a bug: the command line prints
 * its message as one line (no stack trace) and exits non-zero.
 */
export class UserError extends Error {
  override name = 'UserError';
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof Error && error.name === 'UserError';
}

/** Ctrl-C at a prompt (inquirer's ExitPromptError) or any interrupt the generators pass on. */
export function isInterrupted(error: unknown): boolean {
  return error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError');
}
