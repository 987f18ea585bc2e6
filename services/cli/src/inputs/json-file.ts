import { type z } from 'zod';
import { type CliContext, CliUsageError, readInputFile } from '../cli-context';

/**
 * Reads a JSON file named by an option and validates it with a zod schema. Invalid JSON, and the
 * first schema issue with its path, are usage errors naming the option and the file.
 */
export async function readJsonFile<T>(
  context: CliContext,
  option: string,
  file: string,
  schema: z.ZodType<T>,
): Promise<T> {
  const text = await readInputFile(context, option, file);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new CliUsageError(`${option} ${file}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
    throw new CliUsageError(`${option} ${file}: invalid${where}: ${issue?.message ?? 'unknown problem'}`);
  }
  return parsed.data;
}
