import { parseDocument, parse as parseYaml } from 'yaml';
import { type CliContext, CliUsageError, readInputFile } from '../cli-context';

/**
 * Reads a JSON or YAML document named by an option: YAML for `.yaml`/`.yml`, JSON for `.json`, and
 * `otherwise` for any other name. Syntax errors and keys given twice (which `JSON.parse` would keep
 * silently, the last winning) are usage errors naming the option, the file and the position.
 */
export async function readDocument(
  context: CliContext,
  option: string,
  file: string,
  otherwise: 'json' | 'yaml' = 'json',
): Promise<unknown> {
  const text = await readInputFile(context, option, file);
  const yaml = /\.ya?ml$/i.test(file) || (otherwise === 'yaml' && !/\.json$/i.test(file));
  return yaml ? parseYamlDocument(text, option, file) : parseJsonDocument(text, option, file);
}

function parseJsonDocument(text: string, option: string, file: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliUsageError(`${option} ${file}: not valid JSON (${(error as Error).message})`);
  }
  // JSON.parse keeps the last of two equal keys without a word, so `{"SPY": 0.6, "SPY": 0.4}` would
  // lose a target. JSON is YAML 1.2, whose parser reports duplicate keys with their position.
  const duplicate = parseDocument(text, { uniqueKeys: true }).errors.find(
    (error) => error.code === 'DUPLICATE_KEY',
  );
  if (duplicate !== undefined) {
    const at = duplicate.linePos?.[0];
    throw new CliUsageError(
      `${option} ${file}: a key appears twice in the same object${at === undefined ? '' : ` (line ${at.line}, column ${at.col})`}; each symbol, account and field may be given once`,
    );
  }
  return value;
}

function parseYamlDocument(text: string, option: string, file: string): unknown {
  try {
    // `uniqueKeys` (the default) rejects a key given twice, e.g. a symbol listed twice in targets.
    return parseYaml(text, { prettyErrors: true }) as unknown;
  } catch (error) {
    throw new CliUsageError(`${option} ${file}: not valid YAML (${(error as Error).message})`);
  }
}
