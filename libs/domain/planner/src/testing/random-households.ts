// Seeded random households for the planner's benchmark: realistic shapes (several account types,
// positions spread over accounts in several lots, some cash, drifted weights), deterministic for a
// seed so that every run plans the same households. Test and benchmark code only.
import { type PortfolioFile, type PriceQuote, parsePortfolioFile } from '@ballast/domain-portfolio';

/** mulberry32: a small, fast 32-bit generator, good enough for test data (not for cryptography). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomHouseholdOptions {
  readonly seed: number;
  readonly accounts: number;
  readonly symbols: number;
  readonly wholeShares: boolean;
  /** Portfolio-level drift (Σ |current − target| / 2) is drawn uniformly from this range; default 2–10 points. */
  readonly drift?: readonly [number, number];
}

export interface RandomHousehold {
  readonly portfolio: PortfolioFile;
  readonly prices: Map<string, PriceQuote>;
  /** The portfolio-level drift drawn for the household (the built one differs by rounding and the band push). */
  readonly drift: number;
}

const ACCOUNT_TYPES = ['taxable', 'traditional', 'roth'] as const;
const AS_OF = '2016-06-30';

/**
 * A household of `accounts` accounts (taxable, traditional, roth in turn) holding `symbols` symbols:
 * - prices log-uniform between $10 and $600; account values log-uniform between $50k and $1.5M;
 * - target weights proportional to uniform(0.25, 1.75) draws (so the largest is a few times the smallest);
 * - current weights = target + a perturbation proportional to each target, centred and scaled so the
 *   portfolio-level drift lands in the requested range (weights stay non-negative), and at least
 *   one symbol is pushed past its relative band so that the plan has something to do;
 * - each symbol held in one to three accounts, in one to three lots acquired on different dates with
 *   cost bases within ±40% of today's value; from 100 symbols on, one target held nowhere (a new
 *   position);
 * - cash 1–4% of each account's value, above the 0.5% buffer;
 * - the policy of issue 3's example: 5-point / 25% bands, full mode, minimum trade $100, 2 bps
 *   spread, no commission, turnover cap 100%, and whole or fractional shares as asked.
 */
export function randomHousehold(options: RandomHouseholdOptions): RandomHousehold {
  const { accounts: accountCount, symbols: symbolCount, wholeShares } = options;
  const [minDrift, maxDrift] = options.drift ?? [0.02, 0.1];
  const random = mulberry32(options.seed);
  const uniform = (low: number, high: number) => low + (high - low) * random();
  const logUniform = (low: number, high: number) => Math.exp(uniform(Math.log(low), Math.log(high)));
  const pick = (n: number) => Math.min(n - 1, Math.floor(random() * n));

  const width = String(symbolCount - 1).length;
  const symbols = Array.from({ length: symbolCount }, (_, i) => `S${String(i).padStart(width, '0')}`);
  const price = symbols.map(() => Number(logUniform(10, 600).toFixed(2)));

  const raw = symbols.map(() => uniform(0.25, 1.75));
  const rawSum = raw.reduce((sum, w) => sum + w, 0);
  const target = raw.map((w) => w / rawSum);

  // Perturbation proportional to the target, centred so the weights still sum to one, then scaled
  // to the drawn drift; clipped so no weight goes negative.
  const drift = uniform(minDrift, maxDrift);
  const noise = target.map((t) => t * uniform(-1, 1));
  const noiseSum = noise.reduce((sum, e) => sum + e, 0);
  const centred = noise.map((e, i) => e - (target[i] as number) * noiseSum);
  const l1 = centred.reduce((sum, e) => sum + Math.abs(e), 0) / 2;
  const scale = l1 > 0 ? drift / l1 : 0;
  const delta = centred.map((e) => scale * e);
  // A small drift spread over many symbols may leave every holding inside its bands, and then there
  // is nothing to plan: push the relatively most drifted symbol just past the relative band (30% of
  // its target), taking the difference from the others in proportion to their targets.
  let worst = 0;
  delta.forEach((d, i) => {
    if (Math.abs(d) / (target[i] as number) > Math.abs(delta[worst] as number) / (target[worst] as number))
      worst = i;
  });
  const worstTarget = target[worst] as number;
  const worstDelta = delta[worst] as number;
  if (symbolCount > 1 && Math.abs(worstDelta) < 0.3 * worstTarget) {
    const wanted = (worstDelta < 0 ? -0.3 : 0.3) * worstTarget;
    const extra = wanted - worstDelta;
    delta.forEach((d, i) => {
      delta[i] = i === worst ? wanted : d - (extra * (target[i] as number)) / (1 - worstTarget);
    });
  }
  const current = target.map((t, i) => Math.max(0, t + (delta[i] as number)));
  const currentSum = current.reduce((sum, w) => sum + w, 0);

  const accountValue = Array.from({ length: accountCount }, () => logUniform(50_000, 1_500_000));
  const cashFraction = accountValue.map(() => uniform(0.01, 0.04));
  const invested = accountValue.reduce((sum, v, a) => sum + v * (1 - (cashFraction[a] as number)), 0);
  const accountShare = accountValue.map((v) => v / accountValue.reduce((sum, x) => sum + x, 0));

  type Lot = { symbol: string; quantity: string; costBasis: string; acquired: string };
  const lots: Lot[][] = accountValue.map(() => []);
  const held = accountValue.map(() => 0);
  // From 100 symbols on, one target is held nowhere yet (a new position to open).
  const newPosition = symbolCount >= 100 ? pick(symbolCount) : -1;
  symbols.forEach((symbol, i) => {
    if (i === newPosition) return;
    const p = price[i] as number;
    const symbolValue = (invested * (current[i] as number)) / currentSum;
    // One to three holders, drawn with probability proportional to account size.
    const holders = new Set<number>();
    const wanted = 1 + pick(Math.min(3, accountCount));
    while (holders.size < wanted) {
      let r = random();
      let a = 0;
      while (a < accountCount - 1 && r >= (accountShare[a] as number)) {
        r -= accountShare[a] as number;
        a += 1;
      }
      holders.add(a);
    }
    const split = [...holders].map(() => uniform(0.2, 1));
    const splitSum = split.reduce((sum, s) => sum + s, 0);
    [...holders].forEach((a, h) => {
      const positionValue = (symbolValue * (split[h] as number)) / splitSum;
      const lotCount = 1 + pick(3);
      for (let l = 0; l < lotCount; l += 1) {
        const shares = positionValue / lotCount / p;
        const quantity = wholeShares ? Math.floor(shares) : Number(shares.toFixed(4));
        if (quantity <= 0) continue;
        held[a] = (held[a] as number) + quantity * p;
        const year = 2010 + pick(6);
        const month = 1 + pick(12);
        const day = 1 + pick(28);
        (lots[a] as Lot[]).push({
          symbol,
          quantity: String(quantity),
          costBasis: (quantity * p * uniform(0.6, 1.4)).toFixed(2),
          acquired: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
        });
      }
    });
  });

  const accountIds = accountValue.map((_, a) => `acct${a}`);
  const transactions = Array.from({ length: Math.min(5, symbolCount) }, () => {
    const i = pick(symbolCount);
    return {
      account: accountIds[pick(accountCount)] as string,
      symbol: symbols[i] as string,
      side: random() < 0.5 ? 'buy' : 'sell',
      quantity: String(1 + pick(20)),
      price: (price[i] as number).toFixed(2),
      date: `2016-06-${String(1 + pick(29)).padStart(2, '0')}`,
    };
  });

  const portfolio = parsePortfolioFile({
    id: `bench-${accountCount}x${symbolCount}-${options.seed}`,
    asOf: AS_OF,
    accounts: accountValue.map((value, a) => ({
      id: accountIds[a],
      type: ACCOUNT_TYPES[a % ACCOUNT_TYPES.length],
      // Cash is the drawn fraction of what the account ends up holding (of its drawn size if it holds
      // nothing), so every account starts above its buffer.
      cash: (
        ((held[a] as number) > 0 ? (held[a] as number) / (1 - (cashFraction[a] as number)) : value) *
        (cashFraction[a] as number)
      ).toFixed(2),
      lots: lots[a],
    })),
    transactions,
    targets: Object.fromEntries(symbols.map((symbol, i) => [symbol, target[i]])),
    policy: {
      bands: { absolute: 0.05, relative: 0.25 },
      mode: 'full',
      wholeShares,
      minTradeValue: '100',
      cashBuffer: 0.005,
      maxTurnover: 1.0,
      costs: { commission: '0', spreadBps: 2 },
      restrictions: { doNotSell: [], doNotBuy: [], halted: [] },
      cashFlow: '0',
    },
  });
  const prices = new Map<string, PriceQuote>(
    symbols.map((symbol, i) => [
      symbol,
      { symbol, price: (price[i] as number).toFixed(2), asOf: AS_OF, source: 'bench' },
    ]),
  );
  return { portfolio, prices, drift };
}
