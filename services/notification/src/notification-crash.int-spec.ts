/**
 * The notification service killed (SIGKILL) at a random point while it consumes events and sends
 * their emails and webhooks, then restarted: nothing is lost (every event notified, every delivery
 * sent) and nothing is sent twice except a delivery that was at the receiver when the process died
 * (at most once more, under the same delivery id). Real Kafka, PostgreSQL, SMTP and HTTP servers.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { createEnvelope, PORTFOLIO_STATE_TOPIC, RISK_ALERT_TOPIC } from '@ballast/contracts';
import {
  buildService,
  KafkaTestClient,
  randomPort,
  ServiceProcess,
  uniqueRunId,
  waitFor,
} from '@ballast/testing';
import { Client } from 'pg';
import { aPortfolioState, aRiskAlert } from './testing/events.builder';
import { MailCapture } from './testing/mail-capture';
import { WebhookReceiver } from './testing/webhook-receiver';

const runId = uniqueRunId('nk');
const topicPrefix = `${runId}.`;
const schema = `notification_${runId}`;
const householdId = `household-${runId}`;
const portfolioId = randomUUID();
const recipient = `advisor-${runId}@example.com`;
const EVENTS = 20;

const mail = new MailCapture();
const webhooks = new WebhookReceiver(() => 204);
let service: ServiceProcess;
let kafka: KafkaTestClient;
let db: Client;

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new Error(`${name} is not set: the integration global setup did not run`);
  return value;
}

beforeAll(async () => {
  const smtpPort = randomPort();
  await mail.listen(smtpPort);
  const webhookPort = randomPort();
  await webhooks.listen(webhookPort);
  db = new Client({ connectionString: requiredEnv('DATABASE_URL') });
  await db.connect();
  await buildService('notification');
  service = new ServiceProcess('notification', {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    HTTP_PORT: String(randomPort()),
    SERVICE_INSTANCE_ID: runId,
    KAFKA_BROKERS: requiredEnv('KAFKA_BROKERS'),
    KAFKA_GROUP_PREFIX: `${runId}-`,
    KAFKA_TOPIC_PREFIX: topicPrefix,
    DATABASE_URL: requiredEnv('DATABASE_URL'),
    DATABASE_SCHEMA: schema,
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtpPort),
    DELIVERY_BACKOFF_BASE_MS: '50',
    DELIVERY_BACKOFF_MAX_MS: '200',
    DELIVERY_POLL_MS: '100',
    // A short lease (3 x 1 s + 1 s), so that a delivery claimed when the process died is retried soon.
    DELIVERY_TIMEOUT_MS: '1000',
  });
  await service.start(120_000);
  kafka = new KafkaTestClient(requiredEnv('KAFKA_BROKERS').split(','));

  const put = await fetch(`${service.baseUrl}/households/${householdId}/preferences`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      routes: { 'risk-alert': ['in-app', 'email', 'webhook'] },
      email: { recipients: [recipient] },
      webhook: { url: `http://127.0.0.1:${webhookPort}/hook`, secret: `secret-${randomUUID()}` },
    }),
  });
  expect(put.status).toBe(200);
}, 240_000);

afterAll(async () => {
  const steps: (() => Promise<unknown>)[] = [
    async () => service?.stop(),
    async () => kafka?.close(),
    async () => kafka?.deleteTopicsWithPrefix(topicPrefix),
    () => mail.close(),
    () => webhooks.close(),
    async () => {
      await db?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await db?.end();
    },
  ];
  const failures: unknown[] = [];
  for (const step of steps) {
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
    process.stderr.write(`\n--- notification log tail ---\n${service?.tail(40) ?? ''}\n`);
  }
});

it('loses nothing, and repeats only deliveries in flight, when killed at a random point and restarted', async () => {
  const state = createEnvelope({
    type: PORTFOLIO_STATE_TOPIC,
    schemaVersion: 1,
    producedBy: 'notification-crash-int-spec',
    payload: aPortfolioState({ portfolioId, householdId, name: 'Crash test' }),
  });
  await kafka.send(`${topicPrefix}${PORTFOLIO_STATE_TOPIC}`, [
    { key: portfolioId, value: JSON.stringify(state) },
  ]);
  const ids: string[] = [];
  const records = Array.from({ length: EVENTS }, (_, index) => {
    const envelope = createEnvelope({
      type: RISK_ALERT_TOPIC,
      schemaVersion: 1,
      producedBy: 'notification-crash-int-spec',
      payload: aRiskAlert({ portfolioId, value: 0.2 + (index + 1) / 1000, message: `alert ${index + 1}` }),
    });
    ids.push(envelope.id);
    return { key: portfolioId, value: JSON.stringify(envelope) };
  });
  await kafka.send(`${topicPrefix}${RISK_ALERT_TOPIC}`, records);

  // The random point: after some of the 2 x EVENTS deliveries reached their receivers, before all did.
  const killAfter = randomInt(1, 2 * EVENTS);
  await waitFor(`${killAfter} deliveries received`, () =>
    mail.mails.length + webhooks.requests.length >= killAfter ? true : undefined,
  );
  await service.kill();
  const receivedBeforeKill = mail.mails.length + webhooks.requests.length;
  await service.start(120_000);

  const rows = await waitFor(
    'every delivery sent after the restart',
    async () => {
      const result = await db.query<{ source_message_id: string; channel: string; status: string }>(
        `SELECT source_message_id, channel, status FROM "${schema}".notification_delivery`,
      );
      return result.rows.length === 2 * EVENTS && result.rows.every((row) => row.status === 'sent')
        ? result.rows
        : undefined;
    },
    { timeoutMs: 90_000, lastSeen: () => service.tail(10) },
  );
  expect(new Set(rows.map((row) => `${row.source_message_id}/${row.channel}`)).size).toBe(2 * EVENTS);

  const feed = await db.query<{ source_message_id: string }>(
    `SELECT source_message_id FROM "${schema}".notification WHERE household_id = $1`,
    [householdId],
  );
  expect(feed.rows.map((row) => row.source_message_id).sort()).toEqual([...ids].sort());

  // Every event reached both receivers; a repeat is the same delivery id, at most twice, and only for
  // a delivery that was in flight when the process died (at most one batch per channel).
  const byDelivery = new Map<string, number>();
  for (const message of mail.mails) {
    const id = `email/${message.headers['x-ballast-delivery'] ?? ''}`;
    byDelivery.set(id, (byDelivery.get(id) ?? 0) + 1);
  }
  for (const request of webhooks.requests) {
    const id = `webhook/${request.headers['x-ballast-delivery'] ?? ''}`;
    byDelivery.set(id, (byDelivery.get(id) ?? 0) + 1);
  }
  expect(byDelivery.size).toBe(2 * EVENTS);
  expect(Math.max(...byDelivery.values())).toBeLessThanOrEqual(2);
  const repeats = [...byDelivery.values()].filter((count) => count === 2).length;
  // The sender claims at most 20 rows at a time (BATCH_SIZE): no more can have been in flight.
  expect(repeats).toBeLessThanOrEqual(20);
  process.stdout.write(
    `killed after ${receivedBeforeKill} of ${2 * EVENTS} deliveries had arrived; ${repeats} sent twice\n`,
  );
  for (const id of ids) {
    expect(
      mail.mails.filter((message) => message.text.includes(`event ${id}`)).length,
    ).toBeGreaterThanOrEqual(1);
  }
}, 240_000);
