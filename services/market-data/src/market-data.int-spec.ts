/**
 * market-data as a process on real Kafka, PostgreSQL and Redis:
 *  - the yahoo provider against RECORDED Yahoo responses (src/providers/yahoo/__fixtures__, served
 *    by a local HTTP server through YAHOO_BASE_URL; never the network): price.tick, daily bars,
 *    a bad answer counted, Redis caching of quotes;
 *  - stale-price detection on a 24/7 calendar: one price.stale per episode, a fresh tick ends it;
 *  - GET /history: validation, cache miss, hit, and invalidation when the replay writes bars;
 *  - the watch list from portfolio.state: a symbol a portfolio buys is polled (quotes and daily
 *    history), dropped once no portfolio holds or targets it (no more polls, no price.stale), and a
 *    poison or invalid portfolio.state lands in market-data-portfolios.dlq with the reason.
 * Each process has its own topic and group prefixes, schema and Redis prefix.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  createEnvelope,
  deadLetterTopicFor,
  parseMessage,
  PORTFOLIO_STATE_TOPIC,
  portfolioStatePayloadSchema,
  PRICE_STALE_TOPIC,
  PRICE_TICK_TOPIC,
  PRICES_RAW_TOPIC,
  type PriceStalePayload,
  type PriceTickPayload,
  toCloudEventHeaders,
} from '@ballast/contracts';
import {
  buildService,
  KafkaTestClient,
  randomPort,
  ServiceProcess,
  uniqueRunId,
  waitFor,
} from '@ballast/testing';
import { Client } from 'pg';

const FIXTURES = path.join(__dirname, 'providers/yahoo/__fixtures__');
const runId = uniqueRunId('md');
const required = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new Error(`${name} is not set: the integration global setup did not run`);
  return value;
};

function envFor(role: string, extra: Record<string, string>): Record<string, string> {
  const id = `${runId}${role}`;
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    HTTP_PORT: String(randomPort()),
    SERVICE_INSTANCE_ID: id,
    KAFKA_BROKERS: required('KAFKA_BROKERS'),
    KAFKA_GROUP_PREFIX: `${id}-`,
    KAFKA_TOPIC_PREFIX: `${id}.`,
    KAFKA_MAX_ATTEMPTS: '3',
    DATABASE_URL: required('DATABASE_URL'),
    DATABASE_SCHEMA: `market_data_${id}`,
    REDIS_URL: required('REDIS_URL'),
    REDIS_KEY_PREFIX: `ballast:${id}:`,
    ...extra,
  };
}

/** Yahoo's endpoints as yahoo-finance2 calls them, answered from the recorded files. */
const recordedRequests: string[] = [];
async function startRecordedYahoo(): Promise<Server> {
  const quote = JSON.parse(await readFile(path.join(FIXTURES, 'quote-SPY-TLT.json'), 'utf8')) as {
    quoteResponse: { result: { symbol: string }[]; error: unknown };
  };
  const charts: Record<string, Buffer> = {
    SPY: await readFile(path.join(FIXTURES, 'chart-SPY-2024-03-11-to-2024-03-15.json')),
    TLT: await readFile(path.join(FIXTURES, 'chart-TLT-2024-03-11-to-2024-03-15.json')),
  };
  const notFound = await readFile(path.join(FIXTURES, 'chart-not-found.json'));
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://recorded');
    recordedRequests.push(`${url.pathname}${url.search}`);
    if (url.pathname === '/quote/AAPL') {
      // The cookie handshake: Yahoo's consent cookie, then a crumb.
      response.writeHead(200, {
        'content-type': 'text/html',
        'set-cookie':
          'A3=d=AQABBRECORDED&S=AQAAAREC; Expires=Tue, 15 Mar 2099 12:00:00 GMT; Max-Age=31557600; Domain=.yahoo.com; Path=/; Secure; HttpOnly; SameSite=None',
      });
      response.end('<html></html>');
    } else if (url.pathname === '/v1/test/getcrumb') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('Rec0rdedCrumb');
    } else if (url.pathname === '/v7/finance/quote') {
      // As Yahoo does: the recorded quotes of the symbols asked for, none of the others.
      const asked = new Set((url.searchParams.get('symbols') ?? '').split(','));
      const result = quote.quoteResponse.result.filter((entry) => asked.has(entry.symbol));
      response.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
      response.end(JSON.stringify({ quoteResponse: { ...quote.quoteResponse, result } }));
    } else if (url.pathname.startsWith('/v8/finance/chart/')) {
      const body = charts[decodeURIComponent(url.pathname.slice('/v8/finance/chart/'.length))];
      response.writeHead(body === undefined ? 404 : 200, {
        'content-type': 'application/json;charset=utf-8',
      });
      response.end(body ?? notFound);
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function metric(service: ServiceProcess, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${service.baseUrl}/metrics`)).text();
  const line = text
    .split('\n')
    .find((candidate) => candidate.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

async function history(service: ServiceProcess, query: string) {
  const response = await fetch(`${service.baseUrl}/history?${query}`);
  return {
    status: response.status,
    cache: response.headers.get('x-cache'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

let yahooServer: Server;
let yahoo: ServiceProcess;
/** A yahoo process configured with SPY alone: everything else it polls comes from portfolio.state. */
let watcher: ServiceProcess;
let replay: ServiceProcess;
let replayDir: string;
let kafka: KafkaTestClient;
const services: ServiceProcess[] = [];

beforeAll(async () => {
  yahooServer = await startRecordedYahoo();
  const address = yahooServer.address();
  if (address === null || typeof address === 'string')
    throw new Error('the recorded Yahoo server has no port');
  replayDir = await mkdtemp(path.join(tmpdir(), 'ballast-md-'));
  await buildService('market-data');
  const alwaysOpen = {
    MARKET_TIME_ZONE: 'UTC',
    MARKET_SESSION: '00:00-24:00',
    MARKET_WEEKDAYS: 'sun,mon,tue,wed,thu,fri,sat',
    PRICE_MAX_AGE_SECONDS: '2',
    STALE_CHECK_INTERVAL_MS: '200',
  };
  yahoo = new ServiceProcess(
    'market-data',
    envFor('y', {
      ...alwaysOpen,
      MARKET_DATA_PROVIDER: 'yahoo',
      MARKET_DATA_SYMBOLS: 'SPY,TLT,NOPE',
      YAHOO_BASE_URL: `http://127.0.0.1:${address.port}`,
      YAHOO_POLL_INTERVAL_MS: '300',
      YAHOO_QUOTE_CACHE_TTL_SECONDS: '1',
      YAHOO_HISTORY_DAYS: '20000',
      YAHOO_RATE_LIMIT_PER_SECOND: '50',
      YAHOO_BACKOFF_BASE_MS: '50',
    }),
  );
  replay = new ServiceProcess(
    'market-data',
    envFor('r', {
      MARKET_DATA_PROVIDER: 'replay',
      REPLAY_DIR: replayDir,
      STALE_CHECK_INTERVAL_MS: '0',
      HISTORY_MAX_SYMBOLS: '3',
    }),
  );
  watcher = new ServiceProcess(
    'market-data',
    envFor('w', {
      ...alwaysOpen,
      MARKET_DATA_PROVIDER: 'yahoo',
      MARKET_DATA_SYMBOLS: 'SPY',
      YAHOO_BASE_URL: `http://127.0.0.1:${address.port}`,
      YAHOO_POLL_INTERVAL_MS: '300',
      YAHOO_QUOTE_CACHE_TTL_SECONDS: '1',
      YAHOO_HISTORY_DAYS: '20000',
      YAHOO_RATE_LIMIT_PER_SECOND: '50',
      YAHOO_BACKOFF_BASE_MS: '50',
    }),
  );
  services.push(yahoo, replay, watcher);
  kafka = new KafkaTestClient(required('KAFKA_BROKERS').split(','));
  await Promise.all(services.map((service) => service.start(120_000)));
  await kafka.watch([
    `${yahoo.env['KAFKA_TOPIC_PREFIX']}${PRICE_TICK_TOPIC}`,
    `${yahoo.env['KAFKA_TOPIC_PREFIX']}${PRICE_STALE_TOPIC}`,
    `${watcher.env['KAFKA_TOPIC_PREFIX']}${PRICE_TICK_TOPIC}`,
    `${watcher.env['KAFKA_TOPIC_PREFIX']}${PRICE_STALE_TOPIC}`,
    `${watcher.env['KAFKA_TOPIC_PREFIX']}${deadLetterTopicFor(`${watcher.env['KAFKA_GROUP_PREFIX']}market-data-portfolios`)}`,
  ]);
}, 240_000);

afterAll(async () => {
  const failures: unknown[] = [];
  for (const step of [
    () => Promise.all(services.map((service) => service.stop())),
    async () => kafka?.close(),
    async () => {
      for (const service of services)
        await kafka?.deleteTopicsWithPrefix(service.env['KAFKA_TOPIC_PREFIX'] ?? '');
    },
    () => new Promise<void>((resolve) => (yahooServer ? yahooServer.close(() => resolve()) : resolve())),
    () => (replayDir ? rm(replayDir, { recursive: true, force: true }) : Promise.resolve()),
    async () => {
      const client = new Client({ connectionString: required('DATABASE_URL') });
      await client.connect();
      try {
        for (const service of services)
          await client.query(`DROP SCHEMA IF EXISTS "${service.env['DATABASE_SCHEMA']}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  ]) {
    try {
      await step();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} teardown step(s) failed`);
}, 60_000);

afterEach(() => {
  const state = expect.getState();
  if (state.assertionCalls > state.numPassingAsserts || state.suppressedErrors.length > 0) {
    for (const service of services)
      process.stderr.write(`\n--- ${service.env['SERVICE_INSTANCE_ID']} log tail ---\n${service.tail(40)}\n`);
  }
});

const payloads = <T>(topic: string, symbol: string, of: ServiceProcess = yahoo): T[] =>
  kafka
    .messages(`${of.env['KAFKA_TOPIC_PREFIX']}${topic}`, (message) => message.key === symbol)
    .map((message) => {
      const parsed = parseMessage(topic, message.json);
      if (!parsed.ok) throw new Error(`${topic} message fails its schema: ${JSON.stringify(parsed.issues)}`);
      return parsed.envelope.payload as T;
    });

describe('yahoo provider through recorded responses', () => {
  it('publishes one price.tick per recorded quote, with Yahoo time and a decimal price', async () => {
    const ticks = await waitFor('yahoo ticks of SPY and TLT', () => {
      const found = [
        ...payloads<PriceTickPayload>(PRICE_TICK_TOPIC, 'SPY'),
        ...payloads<PriceTickPayload>(PRICE_TICK_TOPIC, 'TLT'),
      ];
      return found.length >= 2 ? found : undefined;
    });
    expect(ticks).toEqual([
      {
        symbol: 'SPY',
        price: '509.83',
        currency: 'USD',
        asOf: '2024-03-15T20:00:00.000Z',
        asOfMillis: 1_710_532_800_000,
        source: 'yahoo',
      },
      {
        symbol: 'TLT',
        price: '93.54',
        currency: 'USD',
        asOf: '2024-03-15T20:00:00.000Z',
        asOfMillis: 1_710_532_800_000,
        source: 'yahoo',
      },
    ]);
    // The handshake a real Yahoo needs went through the recorded server, then the batched quote (the
    // watch list, sorted).
    expect(recordedRequests).toEqual(expect.arrayContaining(['/quote/AAPL', '/v1/test/getcrumb']));
    expect(
      recordedRequests.some((request) =>
        request.startsWith('/v7/finance/quote?symbols=NOPE%2CSPY%2CTLT&crumb=Rec0rdedCrumb'),
      ),
    ).toBe(true);
  });

  it('loads daily bars into GET /history, and counts the bad answer for an unknown symbol', async () => {
    const answer = await waitFor('SPY and TLT bars', async () => {
      const found = await history(yahoo, 'symbols=SPY,TLT&from=2024-03-11&to=2024-03-15');
      const bars = found.body['bars'] as Record<string, unknown[]>;
      return bars['SPY']?.length === 5 && bars['TLT']?.length === 5 ? found : undefined;
    });
    const bars = answer.body['bars'] as Record<string, Record<string, unknown>[]>;
    expect(bars['SPY']?.[4]).toEqual({
      date: '2024-03-15',
      open: '510.21',
      high: '513.57',
      low: '508.56',
      close: '509.83',
      adjClose: '501.924011',
      volume: 107_646_300,
    });
    expect(bars['TLT']?.map((bar) => bar['date'])).toEqual([
      '2024-03-11',
      '2024-03-12',
      '2024-03-13',
      '2024-03-14',
      '2024-03-15',
    ]);
    expect(
      await metric(
        yahoo,
        'ballast_market_data_provider_errors_total',
        'provider="yahoo",kind="bad-response"',
      ),
    ).toBeGreaterThan(0);
  });

  it('serves repeated quote polls from the Redis cache', async () => {
    await waitFor('a quote served from the cache', async () =>
      (await metric(
        yahoo,
        'ballast_market_data_provider_requests_total',
        'provider="yahoo",call="quote",outcome="cache"',
      )) > 0
        ? true
        : undefined,
    );
    expect(
      await metric(
        yahoo,
        'ballast_market_data_provider_requests_total',
        'provider="yahoo",call="quote",outcome="fetched"',
      ),
    ).toBeGreaterThan(0);
  });
});

describe('stale-price detection', () => {
  it('publishes price.stale once per episode, and again only after a fresh tick ended it', async () => {
    // Yahoo keeps answering the same quote (a duplicate, no update): 2 s after the first poll, SPY and
    // TLT are stale; NOPE never had a price. (SPY and TLT may also have had an episode before their
    // first poll, if the service took more than 2 s from start to its first quote: that one has no price.)
    await waitFor(
      'price.stale of SPY, TLT and NOPE',
      () =>
        payloads<PriceStalePayload>(PRICE_STALE_TOPIC, 'SPY').some((stale) => stale.lastPrice === '509.83') &&
        payloads<PriceStalePayload>(PRICE_STALE_TOPIC, 'TLT').some((stale) => stale.lastPrice === '93.54') &&
        payloads<PriceStalePayload>(PRICE_STALE_TOPIC, 'NOPE').length > 0
          ? true
          : undefined,
      {
        lastSeen: () =>
          `price.stale seen: ${JSON.stringify(kafka.messages(`${yahoo.env['KAFKA_TOPIC_PREFIX']}${PRICE_STALE_TOPIC}`).map((m) => m.json))}`,
      },
    );
    // Barrier: 15 more checks (every 200 ms) with the episodes still open.
    const checks = await metric(yahoo, 'ballast_market_data_stale_checks_total');
    await waitFor('15 more stale checks', async () =>
      (await metric(yahoo, 'ballast_market_data_stale_checks_total')) >= checks + 15 ? true : undefined,
    );
    expect(payloads<PriceStalePayload>(PRICE_STALE_TOPIC, 'NOPE')).toEqual([
      expect.objectContaining({ symbol: 'NOPE', lastPrice: null, lastPriceAt: null, maxAgeSeconds: 2 }),
    ]);
    expect(
      payloads<PriceStalePayload>(PRICE_STALE_TOPIC, 'SPY').filter((stale) => stale.lastPrice === '509.83'),
    ).toEqual([
      expect.objectContaining({ lastPriceAt: '2024-03-15T20:00:00.000Z', source: 'yahoo', maxAgeSeconds: 2 }),
    ]);

    // A fresh SPY price from a feed ends the episode; with no price after it, a new one starts.
    const asOf = new Date().toISOString();
    await kafka.send(`${yahoo.env['KAFKA_TOPIC_PREFIX']}${PRICES_RAW_TOPIC}`, [
      {
        key: 'SPY',
        value: JSON.stringify({ symbol: 'SPY', price: '512.5', currency: 'USD', asOf, source: 'test' }),
      },
    ]);
    const again = await waitFor('a second SPY episode', () => {
      const found = payloads<PriceStalePayload>(PRICE_STALE_TOPIC, 'SPY').filter(
        (stale) => stale.lastPrice === '512.5',
      );
      return found.length > 0 ? found : undefined;
    });
    expect(again).toEqual([expect.objectContaining({ lastPriceAt: asOf, source: 'feed:test' })]);
    expect(payloads<PriceStalePayload>(PRICE_STALE_TOPIC, 'NOPE')).toHaveLength(1);
  });
});

describe('GET /history', () => {
  it('refuses a bad query with a 400 naming each problem', async () => {
    const cases: [string, string[]][] = [
      ['symbols=SPY&from=2024-02-30&to=2024-03-01', ['from']],
      ['symbols=SPY&from=2024-03-02&to=2024-03-01', ['from']],
      ['symbols=A,B,C,D&from=2024-03-01&to=2024-03-02', ['symbols']],
      ['symbols=S%20P&to=2024-03-02&extra=1', ['symbols', 'from', 'extra']],
    ];
    for (const [query, paths] of cases) {
      const answer = await history(replay, query);
      expect([query, answer.status]).toEqual([query, 400]);
      expect((answer.body['issues'] as { path: string }[]).map((issue) => issue.path).sort()).toEqual(
        [...paths].sort(),
      );
    }
    expect(
      (await history(replay, 'symbols=A,B,C,D&from=2024-03-01&to=2024-03-02')).body['message'] as string,
    ).toContain('asks for 4 symbols; at most 3 per request');
  });

  it('answers from PostgreSQL, then from Redis, and again from PostgreSQL once the replay writes bars of the symbol', async () => {
    await writeFile(
      path.join(replayDir, 'week1.csv'),
      'date,SPY,TLT\n2024-03-11,511.28,95.63\n2024-03-12,516.78,95.17\n',
    );
    await writeFile(path.join(replayDir, 'week2.csv'), 'date,SPY\n2024-03-13,515.97\n');
    const replayed = async (file: string) => {
      const started = await fetch(`${replay.baseUrl}/replay`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ file, intervalMs: 0 }),
      });
      expect(started.status).toBe(202);
      await waitFor(`replay of ${file}`, async () => {
        const status = (await (await fetch(`${replay.baseUrl}/replay`)).json()) as { state: string };
        return status.state === 'finished' ? true : undefined;
      });
    };
    await replayed('week1.csv');
    const query = 'symbols=spy,TLT&from=2024-03-01&to=2024-03-31';
    const first = await history(replay, query);
    expect(first.cache).toBe('miss');
    expect(first.body['bars']).toEqual({
      SPY: [
        {
          date: '2024-03-11',
          open: null,
          high: null,
          low: null,
          close: '511.28',
          adjClose: null,
          volume: null,
        },
        {
          date: '2024-03-12',
          open: null,
          high: null,
          low: null,
          close: '516.78',
          adjClose: null,
          volume: null,
        },
      ],
      TLT: [
        {
          date: '2024-03-11',
          open: null,
          high: null,
          low: null,
          close: '95.63',
          adjClose: null,
          volume: null,
        },
        {
          date: '2024-03-12',
          open: null,
          high: null,
          low: null,
          close: '95.17',
          adjClose: null,
          volume: null,
        },
      ],
    });
    const second = await history(replay, 'symbols=TLT,SPY&from=2024-03-01&to=2024-03-31');
    expect([second.cache, second.body]).toEqual(['hit', first.body]);

    await replayed('week2.csv');
    const third = await history(replay, query);
    expect(third.cache).toBe('miss');
    expect((third.body['bars'] as Record<string, { date: string }[]>)['SPY']?.map((bar) => bar.date)).toEqual(
      ['2024-03-11', '2024-03-12', '2024-03-13'],
    );
    expect((await history(replay, query)).cache).toBe('hit');
  });
});

describe('the watch list follows portfolio.state', () => {
  const portfolioId = randomUUID();
  const prefix = () => watcher.env['KAFKA_TOPIC_PREFIX'] ?? '';
  const dlq = () =>
    `${prefix()}${deadLetterTopicFor(`${watcher.env['KAFKA_GROUP_PREFIX']}market-data-portfolios`)}`;
  const stateOf = (version: number, holdings: Record<string, string>, targets: Record<string, number>) =>
    portfolioStatePayloadSchema.parse({
      portfolioId,
      householdId: `household-${runId}`,
      name: 'Watched',
      baseCurrency: 'USD',
      version,
      accounts: [
        {
          accountId: 'taxable',
          name: 'Brokerage',
          type: 'taxable',
          cash: '100',
          positions: Object.entries(holdings).map(([symbol, quantity]) => ({ symbol, quantity, lots: [] })),
        },
      ],
      targets: Object.entries(targets).map(([symbol, weight]) => ({ symbol, weight })),
      policy: { absoluteBandBps: 500 },
      updatedAt: new Date().toISOString(),
    });
  const publishState = async (value: string) =>
    kafka.send(`${prefix()}${PORTFOLIO_STATE_TOPIC}`, [{ key: portfolioId, value }]);
  const envelopeOf = (payload: unknown) => {
    const envelope = createEnvelope({
      type: PORTFOLIO_STATE_TOPIC,
      schemaVersion: 1,
      producedBy: 'integration-test',
      payload,
    });
    return { value: JSON.stringify(envelope), headers: toCloudEventHeaders(envelope) };
  };
  const watchlist = async () =>
    ((await (await fetch(`${watcher.baseUrl}/watchlist`)).json()) as { symbols: unknown[] }).symbols;
  /** The quote requests the watcher made: it alone asks for SPY alone, or for SPY and TLT. */
  const watcherQuotes = () =>
    recordedRequests.filter((request) => /^\/v7\/finance\/quote\?symbols=SPY(%2CTLT)?&/.test(request));

  it('polls a symbol a portfolio holds, loads its history, and drops it when no portfolio holds it', async () => {
    expect(await watchlist()).toEqual([{ symbol: 'SPY', portfolios: 0, configured: true }]);
    const v1 = envelopeOf(stateOf(1, { SPY: '10', TLT: '20' }, { SPY: 0.5, TLT: 0.5 }));
    await kafka.send(`${prefix()}${PORTFOLIO_STATE_TOPIC}`, [{ key: portfolioId, ...v1 }]);

    const tlt = await waitFor('a TLT tick from the watcher', () =>
      payloads<PriceTickPayload>(PRICE_TICK_TOPIC, 'TLT', watcher).at(0),
    );
    expect(tlt).toMatchObject({ symbol: 'TLT', price: '93.54', source: 'yahoo' });
    expect(await watchlist()).toEqual([
      { symbol: 'SPY', portfolios: 1, configured: true },
      { symbol: 'TLT', portfolios: 1, configured: false },
    ]);
    // One batched request for both symbols (YAHOO_QUOTE_BATCH_SIZE 50).
    expect(
      watcherQuotes().some((request) => request.startsWith('/v7/finance/quote?symbols=SPY%2CTLT&')),
    ).toBe(true);
    const bars = await waitFor('TLT daily bars at the watcher', async () => {
      const found = await history(watcher, 'symbols=TLT&from=2024-03-11&to=2024-03-15');
      const list = (found.body['bars'] as Record<string, unknown[]> | undefined)?.['TLT'];
      return list?.length === 5 ? list : undefined;
    });
    expect(bars).toHaveLength(5);

    // A poison and an invalid state are dead-lettered; the version behind them is still applied.
    await publishState('{"poison":');
    const invalid = envelopeOf({
      ...stateOf(2, { SPY: '10' }, { SPY: 1 }),
      targets: [{ symbol: 'SPY', weight: 0.4 }],
    });
    await kafka.send(`${prefix()}${PORTFOLIO_STATE_TOPIC}`, [{ key: portfolioId, ...invalid }]);
    const v2 = envelopeOf(stateOf(2, { SPY: '10' }, { SPY: 1 }));
    await kafka.send(`${prefix()}${PORTFOLIO_STATE_TOPIC}`, [{ key: portfolioId, ...v2 }]);
    await waitFor('TLT out of the watch list', async () =>
      (await watchlist()).length === 1 ? true : undefined,
    );
    expect(await watchlist()).toEqual([{ symbol: 'SPY', portfolios: 1, configured: true }]);
    const letters = await waitFor('two dead letters', () => {
      const found = kafka.messages(dlq());
      return found.length >= 2 ? found : undefined;
    });
    const reasons = letters.map(
      (letter) =>
        (letter.json as { reason: { kind: string; message: string; issues?: { path: string }[] } }).reason,
    );
    expect(reasons.map((reason) => reason.kind)).toEqual(['schema', 'schema']);
    expect(reasons[0]?.message).toContain('JSON');
    expect(reasons[1]?.issues?.map((issue) => issue.path)).toContain('payload.targets');

    // From now on the watcher asks for SPY alone: five more polls without TLT.
    const before = watcherQuotes().length;
    await waitFor('five polls after the drop', () =>
      watcherQuotes().length >= before + 6 ? true : undefined,
    );
    expect(
      watcherQuotes()
        .slice(before + 1)
        .every((request) => request.startsWith('/v7/finance/quote?symbols=SPY&')),
    ).toBe(true);
  });

  it('reports a configured symbol stale, never one that no portfolio holds any more', async () => {
    // Fresh prices of both from a feed: each ends any episode it had. 2 s later SPY (configured,
    // Yahoo repeating an older quote) is stale again; TLT, with a price but no holder, is not checked.
    const asOf = new Date().toISOString();
    await kafka.send(
      `${prefix()}${PRICES_RAW_TOPIC}`,
      ['SPY', 'TLT'].map((symbol) => ({
        key: symbol,
        value: JSON.stringify({ symbol, price: '100.25', currency: 'USD', asOf, source: 'test' }),
      })),
    );
    await waitFor('the fresh TLT and SPY ticks', () =>
      payloads<PriceTickPayload>(PRICE_TICK_TOPIC, 'TLT', watcher).some((tick) => tick.asOf === asOf) &&
      payloads<PriceTickPayload>(PRICE_TICK_TOPIC, 'SPY', watcher).some((tick) => tick.asOf === asOf)
        ? true
        : undefined,
    );
    await waitFor('a SPY episode after the fresh price', () =>
      payloads<PriceStalePayload>(PRICE_STALE_TOPIC, 'SPY', watcher).some(
        (stale) => stale.lastPriceAt === asOf,
      )
        ? true
        : undefined,
    );
    const checks = await metric(watcher, 'ballast_market_data_stale_checks_total');
    await waitFor('15 more stale checks', async () =>
      (await metric(watcher, 'ballast_market_data_stale_checks_total')) >= checks + 15 ? true : undefined,
    );
    expect(
      payloads<PriceStalePayload>(PRICE_STALE_TOPIC, 'TLT', watcher).filter(
        (stale) => stale.lastPriceAt === asOf,
      ),
    ).toEqual([]);
  });
});
