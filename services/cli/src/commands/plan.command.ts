import { type PriceQuote } from '@ballast/domain-portfolio';
import { type RebalancePlan, createHighsSolver, planRebalance } from '@ballast/domain-planner';
import { type PlanTaxReport, parseTaxPolicy, taxOfPlan } from '@ballast/domain-tax';
import { type Command } from 'commander';
import highsLoader from 'highs';
import { type CliContext, CliUsageError, writeJson } from '../cli-context';
import { assertFiniteDocument } from '../inputs/dated-columns';
import { assertNothingAfter, readPortfolioFile } from '../inputs/portfolio-file';
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
      const planDate = asOf ?? day.date;
      assertNothingAfter(
        portfolio,
        planDate,
        asOfOption !== null
          ? '--as-of'
          : portfolio.asOf !== null
            ? "the file's asOf"
            : `the last row of --prices`,
      );
      const solver = createHighsSolver(await highsLoader());
      const taxPolicy = parseTaxPolicy(portfolio.policy.tax, {
        accountIds: portfolio.accounts.map((account) => account.id),
        symbols: [...new Set([...prices.symbols, ...needed, ...portfolio.transactions.map((t) => t.symbol)])],
      });
      // Tax-aware: the planner's objective counts the tax of each sale in a taxable account.
      const plan = planRebalance({ portfolio, prices: quotes, asOf: planDate, taxPolicy }, solver);
      // The tax engine then prices every sell lot by lot by the account's relief method, nets the
      // household's gains, estimates the tax and checks each order for wash sales (issue 6).
      const tax = taxOfPlan({
        accounts: portfolio.accounts,
        transactions: portfolio.transactions,
        policy: taxPolicy,
        asOf: planDate,
        orders: plan.orders.map((order) => ({
          account: order.account,
          symbol: order.symbol,
          side: order.side,
          quantity: order.quantity,
          price: order.estimatedPrice,
        })),
      });
      const document = planDocument(plan, day.date, tax);
      // Weights are floats: a NaN would print as a bare null in the JSON. It would be a bug: fail loudly.
      assertFiniteDocument(document);
      if (options.json === true) writeJson(context, document);
      else context.stdout(planText(plan, day.date, tax));
    });
};

/**
 * The `--json` document: the plan with the field names of the issue that specified the command
 * (`drift.symbols[].current`, `target`, ...) and the date of the prices used.
 */
export function planDocument(
  plan: RebalancePlan,
  pricesDate: string,
  tax: PlanTaxReport,
): Record<string, unknown> {
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
    // Each sell carries the lots it relieves (acquired, quantity, basis, gain, term) and its wash-sale verdict.
    orders: plan.orders.map((order, index) => {
      const orderTax = tax.orders[index];
      return order.side === 'sell' && orderTax !== undefined
        ? { ...order, lots: orderTax.lots, washSale: orderTax.washSale }
        : order;
    }),
    after: plan.after,
    costs: plan.costs,
    turnover: plan.turnover,
    tax: {
      realized: tax.realized,
      netting: tax.netting,
      estimatedTax: tax.estimatedTax,
      washSales: tax.washSales,
      coverage: tax.coverage,
    },
    explanation: plan.explanation,
  };
}

function planText(plan: RebalancePlan, pricesDate: string, tax: PlanTaxReport): string {
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
    ...taxSections(tax, money),
    `Costs: commission ${money(plan.costs.commission)}, spread ${money(plan.costs.spread)}, total ${money(plan.costs.total)}; turnover ${pct(plan.turnover)}\n`,
    `Explanation\n${plan.explanation.map((line) => `- ${line}`).join('\n')}\n`,
  ];
  return sections.join('\n');
}

function taxSections(tax: PlanTaxReport, money: (value: string) => string): string[] {
  const lots = tax.orders.flatMap((order) =>
    order.side === 'sell'
      ? order.lots.map((lot) => [
          order.account,
          order.symbol,
          lot.lotId,
          lot.acquiredOn,
          lot.quantity,
          money(lot.costBasis),
          money(lot.proceeds),
          money(lot.gain),
          lot.term,
          lot.disallowedLoss === '0' ? '' : money(lot.disallowedLoss),
        ])
      : [],
  );
  const sections: string[] = [];
  if (lots.length > 0) {
    sections.push(
      `Lots sold\n${formatTable(
        ['account', 'symbol', 'lot', 'acquired', 'quantity', 'basis', 'proceeds', 'gain', 'term', 'washed'],
        lots,
        ['left', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'left', 'right'],
      )}`,
    );
  }
  sections.push(
    `Tax (estimated total ${money(tax.estimatedTax.total)})\n${formatTable(
      ['account', 'type', 'short-term', 'long-term', 'taxed'],
      tax.realized.map((r) => [
        r.account,
        r.type,
        money(r.shortTerm),
        money(r.longTerm),
        r.taxable ? 'yes' : 'no',
      ]),
      ['left', 'left', 'right', 'right', 'left'],
    )}`,
  );
  for (const wash of tax.washSales) {
    sections.push(
      `Wash sale: ${wash.account} ${wash.symbol} (order ${wash.orderId}) replaced by ${wash.replacement.account} ` +
        `${wash.replacement.symbol} on ${wash.replacement.date}: ${money(wash.disallowedLoss)} of loss disallowed` +
        (wash.permanentlyLost
          ? ', lost permanently (the replacement is in a retirement account)'
          : `, added to the replacement's basis`) +
        '\n',
    );
  }
  if (!tax.coverage.complete) {
    sections.push(`Tax coverage incomplete: ${tax.coverage.gaps.map((gap) => gap.detail).join('; ')}\n`);
  }
  return sections;
}
