import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Where a command reads and writes. The `ballast` binary passes the process's streams; specs pass
 * buffers, so that every command is tested in-process exactly as it runs.
 */
export interface CliContext {
  /** Written as given: commands end their own lines. */
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Relative input paths resolve against this directory. */
  readonly cwd: string;
  /** Whether stderr is a terminal: long commands then draw a progress bar there. */
  readonly stderrIsTty?: boolean;
}

/** Bad usage or unreadable input: the message says which option or file and why. Exit code 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** Reads a UTF-8 input file named by an option, with an error that names the option and the path. */
export async function readInputFile(context: CliContext, option: string, file: string): Promise<string> {
  const resolved = path.resolve(context.cwd, file);
  try {
    return await readFile(resolved, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : (error as Error).message;
    throw new CliUsageError(`${option} ${file}: cannot read the file (${why})`);
  }
}

/** `--json` output: one JSON document on stdout and nothing else there. */
export function writeJson(context: CliContext, document: unknown): void {
  context.stdout(`${JSON.stringify(document, null, 2)}\n`);
}
