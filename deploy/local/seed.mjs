// The sample household of `npm run stack`, created through the api like any client would: keys
// minted with the bootstrap admin key (an advisor and two approvers), then a 60/40 SPY/TLT portfolio
// with tax lots, a ±5 point band and a planning policy, and the approvers made members of its
// household. Idempotent: when the advisor already sees a portfolio of that name (a restart without
// --fresh), it is reused and nothing is created twice.

export const SAMPLE_PORTFOLIO_NAME = 'Sample household: 60/40 SPY/TLT';

/** The people of the sample: user id -> role. Keys are minted at every start (old ones stay valid). */
export const SAMPLE_PEOPLE = { ada: 'advisor', ann: 'approver', bob: 'approver' };

/**
 * About $100k split 60/40 at the 2008-01-02 closes (SPY 144.93, TLT 94.38) of the default replay, with
 * lots bought in 2007; it leaves its ±5 point band on 2008-09-15.
 */
export function samplePortfolio() {
  return {
    name: SAMPLE_PORTFOLIO_NAME,
    baseCurrency: 'USD',
    accounts: [
      {
        accountId: 'brokerage',
        name: 'Brokerage',
        type: 'taxable',
        cash: '500.00',
        positions: [
          {
            symbol: 'SPY',
            quantity: '414',
            lots: [
              { lotId: 'spy-2007-03', quantity: '214', costBasis: '30000.00', acquiredOn: '2007-03-01' },
              { lotId: 'spy-2007-10', quantity: '200', costBasis: '31000.00', acquiredOn: '2007-10-09' },
            ],
          },
          {
            symbol: 'TLT',
            quantity: '424',
            lots: [
              { lotId: 'tlt-2007-06', quantity: '424', costBasis: '36500.00', acquiredOn: '2007-06-12' },
            ],
          },
        ],
      },
    ],
    targets: [
      { symbol: 'SPY', weight: 0.6 },
      { symbol: 'TLT', weight: 0.4 },
    ],
    policy: { absoluteBandBps: 500 },
  };
}

async function request(apiUrl, method, route, key, body) {
  const response = await fetch(`${apiUrl}${route}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let json;
  try {
    json = text === '' ? {} : JSON.parse(text);
  } catch {
    json = { text };
  }
  return { status: response.status, body: json };
}

function expect(result, statuses, what) {
  if (!statuses.includes(result.status)) {
    throw new Error(
      `${what}: the api answered ${result.status} ${JSON.stringify(result.body).slice(0, 500)}`,
    );
  }
  return result.body;
}

/**
 * Creates (or finds) the sample household. Returns its ids and the people's keys.
 * @param {{ apiUrl: string, adminKey: string }} options
 */
export async function seedSampleHousehold({ apiUrl, adminKey }) {
  const keys = {};
  for (const [userId, role] of Object.entries(SAMPLE_PEOPLE)) {
    const minted = expect(
      await request(apiUrl, 'POST', '/admin/api-keys', adminKey, { userId, role }),
      [201],
      `minting a key for ${userId} (${role})`,
    );
    keys[userId] = minted.key;
  }
  const existing = expect(await request(apiUrl, 'GET', '/portfolios', keys.ada), [200], 'listing portfolios');
  const found = Array.isArray(existing)
    ? existing.find((portfolio) => portfolio.name === SAMPLE_PORTFOLIO_NAME)
    : undefined;
  if (found !== undefined) {
    return { portfolioId: found.portfolioId, householdId: found.householdId, keys, created: false };
  }
  const created = expect(
    await request(apiUrl, 'POST', '/portfolios', keys.ada, samplePortfolio()),
    [201],
    'creating the sample portfolio',
  );
  const { portfolioId, householdId } = created;
  // The planning policy of `ballast plan`: bands to the target, whole shares, the highest-cost lots
  // sold first (each change is a new ledger version, published on portfolio.state).
  expect(
    await request(apiUrl, 'PUT', `/portfolios/${portfolioId}/policy`, keys.ada, {
      policy: { absoluteBandBps: 500 },
      planningPolicy: { bands: { absolute: 0.05 }, wholeShares: true, lotMethod: 'hifo' },
    }),
    [200],
    'setting the planning policy',
  );
  for (const userId of Object.keys(SAMPLE_PEOPLE).filter((id) => id !== 'ada')) {
    expect(
      await request(apiUrl, 'POST', `/households/${householdId}/members`, keys.ada, { userId }),
      [201, 409],
      `adding ${userId} to the household`,
    );
  }
  return { portfolioId, householdId, keys, created: true };
}
