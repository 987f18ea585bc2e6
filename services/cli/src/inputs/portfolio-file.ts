import { type PortfolioFile, parsePortfolioFile } from '@ballast/domain-portfolio';
import { parseDocument, parse as parseYaml } from 'yaml';
import { type CliContext, CliUsageError, readInputFile } from '../cli-context';

/** The raw document (for fields other libraries validate, such as the tax policy) and the parsed household. */
export interface PortfolioInput {
  readonly raw: unknown;
  readonly portfolio: PortfolioFile;
}

/**
 * Reads a household portfolio file, JSON or YAML (by extension `.yaml`/`.yml`, JSON otherwise), and
 * validates it with the portfolio model. Syntax errors are usage errors naming the file and the
 * position; model errors ({@link InvalidPortfolioFileError}) pass through, naming every bad field.
 */
export async function readPortfolioFile(
  context: CliContext,
  option: string,
  file: string,
): Promise<PortfolioInput> {
  const text = await readInputFile(context, option, file);
  const raw = /\.ya?ml$/i.test(file)
    ? parseYamlDocument(text, option, file)
    : parseJsonDocument(text, option, file);
  return { raw, portfolio: parsePortfolioFile(raw) };
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
