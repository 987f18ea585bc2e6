import { type PriceQuote } from '@ballast/domain-portfolio';
import { type RebalancePlan, createHighsSolver, planRebalance } from '@ballast/domain-planner';
import { type Command } from 'commander';
import highsLoader from 'highs';
import { type CliContext, CliUsageError, writeJson } from '../cli-context';
import { readPortfolioFile } from '../inputs/portfolio-file';
import { parseDateOption, pricesOnOrBefore, readWidePrices } from '../inputs/prices-file';
import { formatTable } from '../table';
import { type RegisterCommand } from './index';

interface PlanOptions {
  readonly portfolio: string;
  readonly prices: string;
  readonly asOf?: string;
  readonly json?: boolean;
}

export const registerPlanCommand: RegisterCommand = (program: Command, context: CliContext) => {
  program
    .command('plan')
    .description(
      "Decide whether a household should rebalance and produce the exact orders, explained (the portfolio file's schema is in services/cli/README.md).",
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
    .action(async (options: PlanOptions) => {
      const asOfOption = options.asOf === undefined ? null : parseDateOption('--as-of', options.asOf);
      const { portfolio } = await readPortfolioFile(context, '--portfolio', options.portfolio);
      const prices = await readWidePrices(context, '--prices', options.prices);
      const asOf = asOfOption ?? portfolio.asOf;
      const day = pricesOnOrBefore(prices, asOf, '--prices', options.prices);
      const needed = new Set([
        ...portfolio.targets.map((target) => target.symbol),
        ...portfolio.accounts.flatMap((account) => account.lots.map((lot) => lot.symbol)),
      ]);
      const missing = [...needed].filter((symbol) => !day.prices.has(symbol)).sort();
      if (missing.length > 0) {
        throw new CliUsageError(
          `--prices ${options.prices}: no price for ${missing.join(', ')} on ${day.date} (the latest row on or before ${asOf ?? 'the end of the file'}); every held or targeted symbol needs one`,
        );
      }
      const quotes = new Map<string, PriceQuote>(
        [...needed].map((symbol) => [
          symbol,
          { symbol, price: day.prices.get(symbol) ?? '', asOf: day.date, source: options.prices },
        ]),
      );
      const solver = createHighsSolver(await highsLoader());
      const plan = planRebalance({ portfolio, prices: quotes, asOf: asOf ?? day.date }, solver);
      const document = planDocument(plan, day.date);
      if (options.json === true) writeJson(context, document);
      else context.stdout(planText(plan, day.date));
    });
};

/**
 * The `--json` document: the plan with the field names of the issue that specified the command
 * (`drift.symbols[].current`, `target`, ...) and the date of the prices used.
 */
export function planDocument(plan: RebalancePlan, pricesDate: string): Record<string, unknown> {
  return {
    portfolio: plan.portfolioId,
    asOf: plan.asOf,
    pricesDate,
    value: plan.value,
    drift: {
      portfolio: plan.drift.portfolioDrift,
      cash: plan.drift.cashWeight,
      symbols: plan.drift.rows.map((row) => ({
        symbol: row.symbol,
        current: row.currentWeight,
        target: row.targetWeight,
        drift: row.drift,
        relativeDrift: row.relativeDrift,
        outOfBand: row.outOfBand,
      })),
    },
    sleeves: plan.sleeves,
    triggers: plan.triggers,
    holds: plan.holds,
    orders: plan.orders,
    after: plan.after,
    costs: plan.costs,
    turnover: plan.turnover,
    explanation: plan.explanation,
  };
}

function planText(plan: RebalancePlan, pricesDate: string): string {
  const pct = (weight: number): string => `${(weight * 100).toFixed(2)}%`;
  const money = (value: string): string => Number(value).toFixed(2);
  const sections = [
    `Plan for ${plan.portfolioId} as of ${plan.asOf} (prices of ${pricesDate})\n`,
    `Value\n${formatTable(
      ['account', 'type', 'cash', 'value'],
      [
        ...plan.value.accounts.map((a) => [a.account, a.type, money(a.cash), money(a.value)]),
        ['total', '', '', money(plan.value.total)],
      ],
      ['left', 'left', 'right', 'right'],
    )}`,
    `Drift (portfolio ${pct(plan.drift.portfolioDrift)}, cash ${pct(plan.drift.cashWeight)})\n${formatTable(
      ['symbol', 'current', 'target', 'drift', 'out of band'],
      plan.drift.rows.map((row) => [
        row.symbol,
        pct(row.currentWeight),
        pct(row.targetWeight),
        pct(row.drift),
        row.outOfBand ? 'yes' : '',
      ]),
      ['left', 'right', 'right', 'right', 'left'],
    )}`,
    ...(plan.sleeves.length === 0
      ? []
      : [
          `Sleeves\n${formatTable(
            ['sleeve', 'symbols', 'current', 'target', 'drift', 'after'],
            plan.sleeves.map((s) => [
              s.sleeve,
              s.symbols.join(' '),
              pct(s.currentWeight),
              pct(s.targetWeight),
              pct(s.drift),
              pct(s.afterWeight),
            ]),
            ['left', 'left', 'right', 'right', 'right', 'right'],
          )}`,
        ]),
    plan.orders.length === 0
      ? 'Orders\n(none)\n'
      : `Orders\n${formatTable(
          ['account', 'side', 'quantity', 'symbol', 'est. price', 'est. value', 'reason'],
          plan.orders.map((o) => [
            o.account,
            o.side,
            o.quantity,
            o.symbol,
            money(o.estimatedPrice),
            money(o.estimatedValue),
            o.reason,
          ]),
          ['left', 'left', 'right', 'left', 'right', 'right', 'left'],
        )}`,
    `After (portfolio drift ${pct(plan.after.portfolioDrift)}, cash ${pct(plan.after.cashWeight)})\n${formatTable(
      ['account', 'cash', 'value'],
      plan.after.accounts.map((a) => [a.account, money(a.cash), money(a.value)]),
      ['left', 'right', 'right'],
    )}${formatTable(
      ['symbol', 'weight', 'target'],
      plan.after.weights.map((w) => [w.symbol, pct(w.weight), pct(w.targetWeight)]),
      ['left', 'right', 'right'],
    )}`,
    `Costs: commission ${money(plan.costs.commission)}, spread ${money(plan.costs.spread)}, total ${money(plan.costs.total)}; turnover ${pct(plan.turnover)}\n`,
    `Explanation\n${plan.explanation.map((line) => `- ${line}`).join('\n')}\n`,
  ];
  return sections.join('\n');
}
