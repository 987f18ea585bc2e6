import { type PortfolioFile, parsePortfolioFile } from '@ballast/domain-portfolio';
import { type CliContext } from '../cli-context';
import { readDocument } from './document-file';

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
  const raw = await readDocument(context, option, file);
  return { raw, portfolio: parsePortfolioFile(raw) };
}
