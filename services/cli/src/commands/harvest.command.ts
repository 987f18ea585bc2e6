import { type PortfolioFile } from '@ballast/domain-portfolio';
import {
  findHarvestCandidates,
  type HarvestReport,
  parseTaxPolicy,
  type TaxPolicy,
} from '@ballast/domain-tax';
import { type Command } from 'commander';
import { type CliContext, writeJson } from '../cli-context';
import { readPortfolioFile } from '../inputs/portfolio-file';
import { parseDateOption, pricesOnOrBefore, readWidePrices } from '../inputs/prices-file';
import { formatTable } from '../table';
import { type RegisterCommand } from './index';

interface HarvestOptions {
  readonly portfolio: string;
  readonly prices: string;
  readonly asOf?: string;
  readonly json?: boolean;
}

export const registerHarvestCommand: RegisterCommand = (program: Command, context: CliContext) => {
  program
    .command('harvest')
    .description(
      'Find tax-loss harvesting candidates across the household: the lots, the substitutes to buy, the estimated benefit, and every losing lot left out with the reason (the tax policy fields are in libs/domain/tax/README.md).',
    )
    .requiredOption(
      '--portfolio <file>',
      'household: accounts, lots, transactions, targets and policy (JSON or YAML)',
    )
    .requiredOption(
      '--prices <file>',
      'wide prices CSV `date,SYM1,SYM2,...`; the latest row on or before the as-of date is used',
    )
    .option('--as-of <date>', "YYYY-MM-DD; defaults to the portfolio's asOf, else the last row of the prices")
    .option('--json', 'print one JSON document on stdout')
    .action(async (options: HarvestOptions) => {
      const asOfOption = options.asOf === undefined ? null : parseDateOption('--as-of', options.asOf);
      const { portfolio } = await readPortfolioFile(context, '--portfolio', options.portfolio);
      const prices = await readWidePrices(context, '--prices', options.prices);
      const day = pricesOnOrBefore(prices, asOfOption ?? portfolio.asOf, '--prices', options.prices);
      const asOf = asOfOption ?? portfolio.asOf ?? day.date;
      const policy = taxPolicyOf(portfolio, prices.symbols);
      const report = findHarvestCandidates({
        accounts: portfolio.accounts,
        prices: day.prices,
        transactions: portfolio.transactions,
        policy,
        asOf,
        costs: portfolio.policy.costs,
        restrictions: portfolio.policy.restrictions,
        wholeShares: portfolio.policy.wholeShares,
      });
      if (options.json === true) {
        writeJson(context, { portfolio: portfolio.id, pricesDate: day.date, ...report });
      } else {
        context.stdout(harvestText(portfolio.id, report, day.date));
      }
    });
};

function taxPolicyOf(portfolio: PortfolioFile, priceSymbols: readonly string[]): TaxPolicy {
  const symbols = new Set<string>(priceSymbols);
  for (const account of portfolio.accounts) for (const lot of account.lots) symbols.add(lot.symbol);
  for (const transaction of portfolio.transactions) symbols.add(transaction.symbol);
  for (const target of portfolio.targets) symbols.add(target.symbol);
  return parseTaxPolicy(portfolio.policy.tax, {
    accountIds: portfolio.accounts.map((account) => account.id),
    symbols: [...symbols],
  });
}

function harvestText(portfolioId: string, report: HarvestReport, pricesDate: string): string {
  const money = (value: string): string => Number(value).toFixed(2);
  const sections = [`Tax-loss harvest for ${portfolioId} as of ${report.asOf} (prices of ${pricesDate})\n`];
  sections.push(
    report.candidates.length === 0
      ? 'Candidates\n(none)\n'
      : `Candidates\n${formatTable(
          [
            'lot',
            'symbol',
            'acquired',
            'quantity',
            'basis',
            'value',
            'loss',
            'term',
            'costs',
            'buy instead',
            'tax benefit',
            'net',
          ],
          report.candidates.map((c) => [
            c.lotId,
            c.symbol,
            c.acquired,
            c.quantity,
            money(c.costBasis),
            money(c.marketValue),
            money(c.unrealizedLoss),
            c.term,
            c.tradingCost,
            `${c.substitute.quantity} ${c.substitute.symbol}`,
            c.taxBenefit.total,
            c.netBenefit,
          ]),
          [
            'left',
            'left',
            'left',
            'right',
            'right',
            'right',
            'right',
            'left',
            'right',
            'left',
            'right',
            'right',
          ],
        )}Estimated tax benefit: ${report.totalTaxBenefit}\n`,
  );
  sections.push(
    report.excluded.length === 0
      ? 'Left out\n(none)\n'
      : `Left out\n${formatTable(
          ['lot', 'symbol', 'loss', 'reason'],
          report.excluded.flatMap((e) =>
            e.reasons.map((reason, index) =>
              index === 0
                ? [
                    e.lotId,
                    e.symbol,
                    e.unrealizedLoss === null ? '?' : money(e.unrealizedLoss),
                    `${reason.code}: ${reason.detail}`,
                  ]
                : ['', '', '', `${reason.code}: ${reason.detail}`],
            ),
          ),
          ['left', 'left', 'right', 'left'],
        )}`,
  );
  sections.push(
    report.coverage.complete
      ? 'Coverage: complete (transactions cover the 30 days before the as-of date)\n'
      : `Coverage: INCOMPLETE, a wash sale may go unseen\n${report.coverage.gaps.map((g) => `- ${g.detail}`).join('\n')}\n`,
  );
  return sections.join('\n');
}
