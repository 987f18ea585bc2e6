import {
  InvalidPortfolioFileError,
  type PortfolioFile,
  type PortfolioFileIssue,
  parsePortfolioFile,
} from '@ballast/domain-portfolio';
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

/**
 * Refuses a household that records the future of the date it is planned at: a lot acquired, a
 * transaction made or a rebalance done after `asOf`. The file alone cannot know this (its date comes
 * from `--as-of`, the file's `asOf` or the prices), and left through, such a lot is sold "before it
 * was acquired" deep in the tax engine, or a later trade shows as history starting "-15 days before"
 * the plan. Every such field is named, as {@link InvalidPortfolioFileError} names the others.
 *
 * @param dateSource where `asOf` came from, for the message (`--as-of`, `asOf`, the prices' last row).
 * @throws InvalidPortfolioFileError listing each field dated after `asOf`.
 */
export function assertNothingAfter(portfolio: PortfolioFile, asOf: string, dateSource: string): void {
  const after = (date: string): string => `${date} is after the plan date ${asOf} (${dateSource})`;
  const issues: PortfolioFileIssue[] = [];
  portfolio.accounts.forEach((account, a) =>
    account.lots.forEach((lot, l) => {
      if (lot.acquired > asOf)
        issues.push({
          path: `accounts[${a}].lots[${l}].acquired`,
          code: 'invalid-date',
          message: after(lot.acquired),
        });
    }),
  );
  portfolio.transactions.forEach((transaction, t) => {
    if (transaction.date > asOf)
      issues.push({
        path: `transactions[${t}].date`,
        code: 'invalid-date',
        message: after(transaction.date),
      });
  });
  const last = portfolio.policy.lastRebalance;
  if (last !== null && last > asOf)
    issues.push({ path: 'policy.lastRebalance', code: 'invalid-date', message: after(last) });
  if (issues.length > 0) throw new InvalidPortfolioFileError(issues);
}
