#!/usr/bin/env node
// `npm run stack`: the walking skeleton (api, market-data, monitor) on this machine, without Docker.
//
//   1. `bash deploy/local/infra.sh up` (Kafka, PostgreSQL, Redis; it prints the three URLs on stdout),
//      unless KAFKA_BROKERS, REDIS_URL and DATABASE_URL are all set already;
//   2. builds each service with `node deploy/build-service.mjs <service>` (what the image runs);
//   3. starts each as a child process, prefixes every line of its output with its name, and waits
//      until every `/health/ready` answers 200;
//   4. prints what to try next.
// Ctrl-C or SIGTERM stops the services (SIGTERM, SIGKILL after 15 s) and leaves Kafka, PostgreSQL and
// Redis running (`npm run infra:down` stops Kafka). If a service dies, the others are stopped and the
// script exits non-zero with the dead service's last log lines.
//
//   node deploy/local/stack.mjs [--fresh] [--json]
//   node deploy/local/stack.mjs watch [--latest] [topic...]     (default topic: drift.detected)
//
// Environment (all optional):
//   API_HTTP_PORT (3000), MARKET_DATA_HTTP_PORT (3001), MONITOR_HTTP_PORT (3002),
//   EXECUTION_HTTP_PORT (3005), NOTIFICATION_HTTP_PORT (3006)
//   REPLAY_AUTOSTART_FILE (etf-prices-2008-2016.csv; empty: no replay at boot), REPLAY_INTERVAL_MS (1000)
//   LOG_LEVEL (info); KAFKA_BROKERS / REDIS_URL / DATABASE_URL (set all three to skip infra.sh)
// Every other service variable in the environment (see services/<name>/README.md) is passed through.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { clearInterval, clearTimeout, setInterval, setTimeout } from 'node:timers';
import { URL, fileURLToPath } from 'node:url';
import { seedSampleHousehold } from './seed.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const STOP_TIMEOUT_MS = 15_000;
const READY_TIMEOUT_MS = 120_000;
const TAIL_LINES = 40;
/** The api's bootstrap admin key on this machine (override with API_BOOTSTRAP_ADMIN_KEY). */
const STACK_API_KEY = process.env.API_BOOTSTRAP_ADMIN_KEY || 'local-bootstrap-admin-key-change-me-0123456789';
const DEFAULT_REPLAY_FILE = 'etf-prices-2008-2016.csv';
/** Trading days from 2008-01-02 until the demo portfolio below first leaves its band (2008-09-15). */
const DEMO_DAYS_TO_FIRST_BREACH = 177;

const colour =
  process.env.NO_COLOR === undefined && (process.stdout.isTTY || process.env.FORCE_COLOR !== undefined);
const paint = (code, text) => (colour ? `\x1b[${code}m${text}\x1b[0m` : text);
const bold = (text) => paint(1, text);

/** Where the stack writes its own lines; service lines carry their own prefix. */
function say(message = '') {
  console.log(message === '' ? '' : `${paint('1;32', '[stack]')} ${message}`);
}
function complain(message) {
  console.error(`${paint('1;31', '[stack]')} ${message}`);
}

const SERVICES = [
  { name: 'api', portVariable: 'API_HTTP_PORT', defaultPort: 3000, schema: 'api', colour: 36 },
  {
    name: 'market-data',
    portVariable: 'MARKET_DATA_HTTP_PORT',
    defaultPort: 3001,
    schema: 'market_data',
    colour: 35,
  },
  { name: 'monitor', portVariable: 'MONITOR_HTTP_PORT', defaultPort: 3002, schema: 'monitor', colour: 33 },
  {
    name: 'optimizer',
    portVariable: 'OPTIMIZER_HTTP_PORT',
    defaultPort: 3003,
    schema: 'optimizer',
    colour: 34,
  },
  { name: 'tax', portVariable: 'TAX_HTTP_PORT', defaultPort: 3004, schema: 'tax', colour: 31 },
  {
    name: 'execution',
    portVariable: 'EXECUTION_HTTP_PORT',
    defaultPort: 3005,
    schema: 'execution',
    colour: 32,
  },
  {
    name: 'notification',
    portVariable: 'NOTIFICATION_HTTP_PORT',
    defaultPort: 3006,
    schema: 'notification',
    colour: 37,
  },
];
const NAME_WIDTH = Math.max(...SERVICES.map((service) => service.name.length));

/**
 * Settings of the local demo that differ from the services' defaults (the environment wins): the
 * replay moves one trading day a second, so the sample's rebalance (a few thousand dollars of
 * orders) is approved by policy and executed without waiting for a person, and the paper broker's
 * price collar is wide enough for the days that pass between the proposal and the fill.
 */
const STACK_DEFAULTS = {
  tax: { APPROVAL_THRESHOLD_VALUE: '25000', APPROVAL_FOUR_EYES_VALUE: '100000' },
  execution: { EXECUTION_PRICE_COLLAR_BPS: '1000' },
};

// ------------------------------------------------------------------ the stack

async function runStack({ fresh, rawLogs }) {
  const unknown = args.filter((arg) => arg !== '--fresh' && arg !== '--json');
  if (unknown.length > 0) {
    complain(`unknown argument(s): ${unknown.join(' ')} (see --help)`);
    process.exit(2);
  }
  /** @type {{ service: typeof SERVICES[number], port: number, child: import('node:child_process').ChildProcess, tail: string[], exit: Promise<{ code: number | null, signal: string | null }>, exited: boolean }[]} */
  const running = [];
  let phase = 'starting';
  let infraChild;
  let forceKill = false;

  const ports = new Map();
  for (const service of SERVICES) {
    const value = process.env[service.portVariable] ?? String(service.defaultPort);
    const port = Number(value);
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
      complain(`${service.portVariable}=${value} is not a TCP port`);
      process.exit(2);
    }
    ports.set(service.name, port);
  }
  for (const service of SERVICES) {
    const port = ports.get(service.name);
    if (!(await portFree(port))) {
      complain(
        `port ${port} (${service.name}) is already in use: stop what holds it or choose another with ${service.portVariable}=<port>`,
      );
      process.exit(1);
    }
  }

  // Last resort: never leave a service behind when this script ends without a clean stop.
  process.on('exit', () => {
    for (const entry of running) if (!entry.exited) entry.child.kill('SIGKILL');
  });

  const stopAll = async (reason) => {
    if (phase === 'stopping') return;
    phase = 'stopping';
    const alive = running.filter((entry) => !entry.exited);
    if (alive.length > 0) {
      say(`${reason}: stopping ${alive.map((entry) => entry.service.name).join(', ')} (SIGTERM)`);
    }
    infraChild?.kill('SIGTERM');
    for (const entry of alive) entry.child.kill('SIGTERM');
    const results = await Promise.all(
      alive.map(async (entry) => {
        let killed = false;
        const timer = setTimeout(() => {
          killed = true;
          say(`${entry.service.name} still running after ${STOP_TIMEOUT_MS / 1000} s: SIGKILL`);
          entry.child.kill('SIGKILL');
        }, STOP_TIMEOUT_MS);
        const forced = setInterval(() => {
          if (forceKill && !killed) {
            killed = true;
            entry.child.kill('SIGKILL');
          }
        }, 100);
        const result = await entry.exit;
        clearTimeout(timer);
        clearInterval(forced);
        return { entry, ...result, killed };
      }),
    );
    let clean = true;
    for (const { entry, code, signal, killed } of results) {
      const ok = !killed && (code === 0 || signal === 'SIGTERM');
      clean &&= ok;
      say(`${entry.service.name} ${ok ? 'stopped' : 'did not stop cleanly'} (${describeExit(code, signal)})`);
    }
    return clean;
  };

  const onSignal = (signal) => {
    if (phase === 'stopping') {
      forceKill = true;
      say(`${signal} again: killing the services now`);
      return;
    }
    void stopAll(`${signal} received`).then((clean) => {
      say(
        `Kafka, PostgreSQL and Redis are still running (${bold('npm run infra:down')} stops Kafka; PostgreSQL and Redis are system services).`,
      );
      process.exit(clean ? 0 : 1);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // A service that dies takes the stack down with it, loudly.
  const onServiceExit = (entry, code, signal) => {
    if (phase === 'stopping') return;
    const log = entry.tail.length > 0 ? entry.tail.join('\n') : '(no output)';
    complain(
      `${entry.service.name} exited (${describeExit(code, signal)}); its last ${entry.tail.length} line(s):\n${log}`,
    );
    void stopAll(`${entry.service.name} died`).then(() => process.exit(1));
  };

  // 1. Infrastructure.
  const infra = await resolveInfrastructure((child) => {
    infraChild = child;
  });
  infraChild = undefined;
  if (phase === 'stopping') return;
  say(
    `KAFKA_BROKERS=${infra.KAFKA_BROKERS} REDIS_URL=${infra.REDIS_URL} DATABASE_URL=${redactUrl(infra.DATABASE_URL)}`,
  );

  if (fresh) await resetState(infra);

  // 2. Build.
  say(`building ${SERVICES.map((service) => service.name).join(', ')} (deploy/build-service.mjs)`);
  const builds = await Promise.all(
    SERVICES.map((service) =>
      capture(process.execPath, [path.join(root, 'deploy', 'build-service.mjs'), service.name]),
    ),
  );
  const failedBuild = builds.findIndex((build) => build.code !== 0);
  if (failedBuild >= 0) {
    complain(`building ${SERVICES[failedBuild].name} failed:\n${builds[failedBuild].output.trim()}`);
    process.exit(1);
  }
  if (phase === 'stopping') return;

  // 3. Start.
  const replayFile = process.env.REPLAY_AUTOSTART_FILE ?? DEFAULT_REPLAY_FILE;
  const replayIntervalMs = process.env.REPLAY_INTERVAL_MS ?? '1000';
  for (const service of SERVICES) {
    const port = ports.get(service.name);
    const env = {
      ...(STACK_DEFAULTS[service.name] ?? {}),
      ...process.env,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      HTTP_PORT: String(port),
      DATABASE_SCHEMA: service.schema,
      KAFKA_BROKERS: infra.KAFKA_BROKERS,
      REDIS_URL: infra.REDIS_URL,
      DATABASE_URL: infra.DATABASE_URL,
      ...(service.name === 'market-data'
        ? { REPLAY_AUTOSTART_FILE: replayFile, REPLAY_INTERVAL_MS: replayIntervalMs }
        : {}),
      // The optimizer reads daily history (objective targets, prices of requests) from market-data.
      ...(service.name === 'optimizer'
        ? { MARKET_DATA_URL: process.env.MARKET_DATA_URL ?? `http://127.0.0.1:${ports.get('market-data')}` }
        : {}),
      // Every api route needs a credential: locally, the bootstrap admin key (it mints others).
      ...(service.name === 'api' ? { API_BOOTSTRAP_ADMIN_KEY: STACK_API_KEY } : {}),
    };
    const main = path.join('dist', service.name, 'services', service.name, 'src', 'main.js');
    // Own process group: a Ctrl-C in the terminal reaches this script only, which then stops each
    // service exactly once with SIGTERM (a second signal would cut NestJS's graceful shutdown short).
    const child = spawn(process.execPath, ['--enable-source-maps', main], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const entry = { service, port, child, tail: [], exited: false, exit: undefined };
    // 'close', not 'exit': it comes after the output streams end, so the tail holds the last lines.
    entry.exit = new Promise((resolve) =>
      child.once('close', (code, signal) => {
        entry.exited = true;
        resolve({ code, signal });
        onServiceExit(entry, code, signal);
      }),
    );
    child.once('error', (error) => {
      complain(`could not start ${service.name}: ${error.message}`);
    });
    const prefix = paint(service.colour, `[${service.name}]`.padEnd(NAME_WIDTH + 2));
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        const text = rawLogs ? line : formatLogLine(line);
        entry.tail.push(text);
        if (entry.tail.length > TAIL_LINES) entry.tail.shift();
        process.stdout.write(`${prefix} ${text.replace(/\n/g, `\n${prefix} `)}\n`);
      });
    }
    running.push(entry);
    say(`started ${service.name} (pid ${child.pid}) on :${port}, schema ${service.schema}`);
  }

  const readyStarted = Date.now();
  const ready = await Promise.all(running.map((entry) => waitUntilReady(entry, () => phase !== 'starting')));
  if (phase !== 'starting' || ready.includes(false)) {
    if (phase === 'starting') {
      const slow = running.filter((_, index) => !ready[index]).map((entry) => entry.service.name);
      complain(`not ready after ${READY_TIMEOUT_MS / 1000} s: ${slow.join(', ')} (see the log lines above)`);
      await stopAll('startup failed');
      process.exit(1);
    }
    return;
  }
  phase = 'running';
  say(`all ${SERVICES.length} services are ready (${((Date.now() - readyStarted) / 1000).toFixed(1)} s)`);
  // 4. The sample household, through the api like any client (idempotent across restarts).
  let sample;
  try {
    sample = await seedSampleHousehold({
      apiUrl: `http://127.0.0.1:${ports.get('api')}`,
      adminKey: STACK_API_KEY,
    });
    say(`sample household ${sample.created ? 'created' : 'already there'}: portfolio ${sample.portfolioId}`);
  } catch (error) {
    complain(`seeding the sample household failed: ${error.message}`);
  }
  printNextSteps(ports, replayFile, replayIntervalMs, sample);
  void warnIfReplayRejected(ports.get('market-data'), () => phase === 'running');
}

/** The three connection URLs: from the environment when all are set, else from `infra.sh up`. */
async function resolveInfrastructure(onChild) {
  const names = ['KAFKA_BROKERS', 'REDIS_URL', 'DATABASE_URL'];
  if (names.every((name) => (process.env[name] ?? '') !== '')) {
    say('KAFKA_BROKERS, REDIS_URL and DATABASE_URL are set: using them (deploy/local/infra.sh not run)');
    return Object.fromEntries(names.map((name) => [name, process.env[name]]));
  }
  say('bash deploy/local/infra.sh up (Kafka, PostgreSQL, Redis)');
  const child = spawn('bash', [path.join(root, 'deploy', 'local', 'infra.sh'), 'up'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  onChild(child);
  let stdout = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  const { code, signal } = await new Promise((resolve) =>
    child.once('exit', (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal })),
  );
  if (code !== 0) {
    if (signal !== null) process.exit(1);
    complain(`deploy/local/infra.sh up failed (${describeExit(code, signal)}): see its messages above`);
    process.exit(1);
  }
  // "KAFKA_BROKERS=... REDIS_URL=... DATABASE_URL=..." (values have no spaces).
  const found = Object.fromEntries(
    stdout
      .trim()
      .split(/\s+/)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)])
      .filter(([name]) => names.includes(name)),
  );
  const missing = names.filter((name) => !found[name]);
  if (missing.length > 0) {
    complain(
      `deploy/local/infra.sh up printed no ${missing.join(', ')} (stdout: ${JSON.stringify(stdout.trim())})`,
    );
    process.exit(1);
  }
  // A variable set in the environment wins over infra.sh's default, as in .ci/run.
  for (const name of names) {
    if ((process.env[name] ?? '') !== '') found[name] = process.env[name];
  }
  return found;
}

/**
 * `--fresh`: forget what earlier runs stored, so that the replay starts again from 2008. Without it,
 * market-data still holds the last price it accepted, and rejects older replayed days as out of order.
 */
async function resetState(infra) {
  const schemas = SERVICES.map((service) => service.schema);
  say(`--fresh: dropping the PostgreSQL schemas ${schemas.join(', ')} and the Redis last-price keys`);
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: infra.DATABASE_URL, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schemas.map((schema) => `"${schema}"`).join(', ')} CASCADE`);
  } finally {
    await client.end();
  }
  const { default: Redis } = await import('ioredis');
  const redis = new Redis(infra.REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
  });
  await redis.connect();
  try {
    const pattern = `${process.env.REDIS_KEY_PREFIX ?? 'ballast:'}price:last:*`;
    let deleted = 0;
    for await (const keys of redis.scanStream({ match: pattern, count: 500 })) {
      if (keys.length > 0) deleted += await redis.del(...keys);
    }
    say(`--fresh: ${deleted} Redis key(s) matching ${pattern} deleted`);
  } finally {
    await redis.quit();
  }
}

async function waitUntilReady(entry, cancelled) {
  const url = `http://127.0.0.1:${entry.port}/health/ready`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (entry.exited || cancelled()) return false;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
      await response.arrayBuffer();
      if (response.status === 200) {
        say(`${entry.service.name} is ready: ${url}`);
        return true;
      }
    } catch {
      // Not listening yet (migrations, topic creation and consumer joins come first).
    }
    await sleep(500);
  }
  return false;
}

function printNextSteps(ports, replayFile, replayIntervalMs, sample) {
  const api = `localhost:${ports.get('api')}`;
  const marketData = `localhost:${ports.get('market-data')}`;
  const monitor = `localhost:${ports.get('monitor')}`;
  const notification = `localhost:${ports.get('notification')}`;
  const execution = `localhost:${ports.get('execution')}`;
  const interval = Number(replayIntervalMs);
  const replaying = replayFile !== '';
  const whenBreach =
    replayFile === DEFAULT_REPLAY_FILE && Number.isFinite(interval)
      ? ` (about ${formatDuration(DEMO_DAYS_TO_FIRST_BREACH * interval)} after the replay started)`
      : '';
  const id = sample?.portfolioId ?? '<portfolioId>';
  const household = sample?.householdId ?? '<householdId>';
  const key = (user) => `-H 'x-api-key: ${sample?.keys[user] ?? STACK_API_KEY}'`;
  const lines = [
    '',
    bold(`Ballast is running: all ${SERVICES.length} services`),
    `  api          http://${api}   the ledger, approvals, orders (every route needs a key; GET /openapi.json)`,
    `  market-data  http://${marketData}   ${
      replaying
        ? `replaying ${replayFile}, one trading day every ${replayIntervalMs} ms (GET /replay)`
        : 'no replay at boot (POST /replay starts one)'
    }`,
    `  monitor      http://${monitor}   GET /portfolios/:id`,
    `  optimizer    http://localhost:${ports.get('optimizer')}   tax http://localhost:${ports.get('tax')}   execution http://${execution} (paper broker)`,
    `  notification http://${notification}   GET /notifications?householdId=<id>, GET /notifications/stream?householdId=<id> (SSE)`,
    '  every service: /health/live, /health/ready, /metrics',
    '',
    sample === undefined
      ? `No sample household (the seed failed, see above); the bootstrap admin key is ${STACK_API_KEY}.`
      : `${bold('Sample household')} ${sample.created ? 'created' : 'found'} through the api: portfolio ${id}, household ${household};` +
        `\n  keys: advisor ada ${sample.keys.ada}, approvers ann ${sample.keys.ann} and bob ${sample.keys.bob}.`,
    '',
    bold('Watch the flow') +
      ` (the log lines above, prefixed by service; in another terminal, from the repository root):`,
    '',
    `  The portfolio leaves its ±5 point band when the replay reaches 2008-09-15${whenBreach}: monitor logs`,
    "  drift.detected, optimizer rebalance.proposed, tax orders.proposed (approved by the api's policy",
    `  under APPROVAL_THRESHOLD_VALUE, ${process.env.APPROVAL_THRESHOLD_VALUE ?? STACK_DEFAULTS.tax.APPROVAL_THRESHOLD_VALUE} here, else waiting for a person), execution the fills, the api the new ledger version.`,
    '',
    `  curl -sS ${api}/portfolios/${id} ${key('ada')}                  # the ledger: lots, cash, version`,
    `  curl -sS ${api}/portfolios/${id}/history ${key('ada')}          # every version and why`,
    `  curl -sS '${api}/proposals?portfolioId=${id}' ${key('ann')}     # proposals with before/after allocations`,
    `  curl -sS -X POST ${api}/proposals/<proposalId>/approve ${key('ann')}   # a pending one (then bob, above four eyes)`,
    `  curl -sS '${api}/orders?portfolioId=${id}' ${key('ann')}        # orders and their fills`,
    `  curl -sS '${api}/decisions?portfolioId=${id}' ${key('ann')}     # who decided what, when`,
    `  curl -sS '${notification}/notifications?householdId=${household}'  # the in-app feed`,
    `  curl -sS ${monitor}/portfolios/${id}                             # what the monitor holds`,
    `  curl -sS ${marketData}/replay                                    # replay progress`,
    '  npm run stack -- watch drift.detected orders.executed            # the messages themselves',
    '',
    `Ctrl-C stops the services; Kafka, PostgreSQL and Redis keep running (${bold('npm run infra:down')} stops Kafka).`,
    '',
  ];
  console.log(lines.join('\n'));
}

/**
 * Warns when the autostarted replay is rejected day after day: market-data already holds later
 * prices from an earlier run (its last price per symbol lives in PostgreSQL), so older days are
 * out of order. `--fresh` starts over.
 */
async function warnIfReplayRejected(port, active) {
  const deadline = Date.now() + 60_000;
  while (active() && Date.now() < deadline) {
    await sleep(2_000);
    let status;
    try {
      const response = await fetch(`http://127.0.0.1:${port}/replay`, { signal: AbortSignal.timeout(3_000) });
      if (response.status !== 200) return;
      status = await response.json();
    } catch {
      return;
    }
    if (status.accepted > 0 || status.state !== 'running') return;
    if (status.daysDone >= 1 && status.rejected > 0) {
      if (!active()) return;
      complain(
        `the replay's prices are rejected as out of order: market-data already holds later prices from an earlier run.\n` +
          `        Stop (Ctrl-C) and run ${bold('npm run stack -- --fresh')} to drop the schemas ${SERVICES.map((s) => s.schema).join(', ')} and start over.`,
      );
      return;
    }
  }
}

// ------------------------------------------------------------------ watch

/** `watch [--latest] [topic...]`: prints the messages of Ballast topics as they arrive. */
async function watch(watchArgs) {
  const latest = watchArgs.includes('--latest');
  const topics = watchArgs.filter((arg) => !arg.startsWith('--'));
  if (topics.length === 0) topics.push('drift.detected');
  const { default: kafkajs } = await import('kafkajs');
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
  const kafka = new kafkajs.Kafka({ clientId: 'ballast-watch', brokers, logLevel: kafkajs.logLevel.NOTHING });
  // A throw-away group of its own, deleted on exit: watching never takes messages from a service.
  const groupId = `ballast-watch-${randomBytes(4).toString('hex')}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      complain(
        `no such topic on ${brokers.join(',')}: ${missing.join(', ')} (topics are created when the services start: npm run stack)`,
      );
      process.exit(1);
    }
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: !latest });
  } catch (error) {
    complain(`cannot reach Kafka at ${brokers.join(',')}: ${error.message} (npm run infra:up starts it)`);
    process.exit(1);
  }
  let stopping = false;
  const stop = async () => {
    if (stopping) process.exit(1);
    stopping = true;
    say('leaving the consumer group (a few seconds; Ctrl-C again to quit at once)');
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  say(
    `watching ${topics.join(', ')} on ${brokers.join(',')} ${latest ? '(new messages only)' : '(from the beginning)'}; Ctrl-C stops`,
  );
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const text = message.value === null ? 'null' : message.value.toString('utf8');
      let value;
      try {
        value = JSON.parse(text);
      } catch {
        value = undefined;
      }
      const where = `${topic}[${partition}]@${message.offset} key=${message.key?.toString('utf8') ?? 'null'}`;
      if (value !== undefined && value !== null && typeof value === 'object' && 'payload' in value) {
        console.log(`${bold(where)} ${value.occurredAt} by ${value.producedBy}, id ${value.id}`);
        console.log(`${summarise(topic, value.payload)}${JSON.stringify(value.payload, null, 2)}\n`);
      } else {
        console.log(`${bold(where)}\n${value === undefined ? text : JSON.stringify(value, null, 2)}\n`);
      }
    },
  });
}

function summarise(topic, payload) {
  if (topic !== 'drift.detected' || !Array.isArray(payload?.triggers)) return '';
  const triggers = payload.triggers
    .map(
      (t) =>
        `${t.symbol} ${t.direction} by ${(Math.abs(t.drift) * 100).toFixed(2)} points (band ${t.bandBps / 100})`,
    )
    .join('; ');
  return `${paint(33, `portfolio ${payload.portfolioId} out of band as of ${payload.asOf}: ${triggers}`)}\n`;
}

// ------------------------------------------------------------------ helpers

const LEVELS = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const LEVEL_COLOURS = { 40: 33, 50: 31, 60: 31 };

/** A pino JSON line as `12:00:01.234 INFO  [Context] message`; anything else unchanged. */
function formatLogLine(line) {
  if (!line.startsWith('{')) return line;
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  if (entry === null || typeof entry !== 'object' || typeof entry.level !== 'number') return line;
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 23) : '';
  const level = (LEVELS[entry.level] ?? String(entry.level)).padEnd(5);
  let message = typeof entry.msg === 'string' ? entry.msg : '';
  if (entry.req && entry.res) {
    message = `${entry.req.method} ${entry.req.url} -> ${entry.res.statusCode} in ${entry.responseTime} ms`;
  }
  const context = entry.context ? `[${entry.context}] ` : '';
  const error = entry.err?.stack ?? entry.err?.message ?? entry.stack;
  const text = `${time} ${paint(LEVEL_COLOURS[entry.level] ?? 0, level)} ${context}${message}`;
  return typeof error === 'string' && error.length > 0 ? `${text}\n${error}` : text;
}

function portFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

function capture(command, commandArgs) {
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', (error) => resolve({ code: 1, output: error.message }));
    child.once('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}

function describeExit(code, signal) {
  return signal !== null ? `signal ${signal}` : `exit code ${code}`;
}

function redactUrl(value) {
  try {
    const url = new URL(value);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return value;
  }
}

function formatDuration(ms) {
  const seconds = Math.round(ms / 1000);
  return seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} minutes`;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ------------------------------------------------------------------ entry point
// Last, so that every constant above is initialised before the top-level await runs.

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  // The comment at the top of this file is the help text.
  const { readFile } = await import('node:fs/promises');
  const help = [];
  for (const line of (await readFile(fileURLToPath(import.meta.url), 'utf8')).split('\n').slice(1)) {
    if (!line.startsWith('//')) break;
    help.push(line.replace(/^\/\/ ?/, ''));
  }
  console.log(help.join('\n'));
  process.exit(0);
}
if (args[0] === 'watch') {
  await watch(args.slice(1));
} else {
  await runStack({ fresh: args.includes('--fresh'), rawLogs: args.includes('--json') });
}
