/**
 * The notification service as its own process (the built output the image runs) on real Kafka and
 * PostgreSQL, with a real SMTP server (smtp-server) and a real HTTP server for the webhooks.
 *
 * Households of this run:
 *  - A: every kind to in-app, email (two recipients) and a webhook that fails twice per delivery
 *    with 503, then accepts: every webhook goes through the retry path;
 *  - B: drift to a webhook that always answers 503: retries, then the dead letter;
 *  - C: no preferences (the default: in-app only).
 *
 * Isolation: topic prefix, group prefix and schema of this run only, deleted at the end.
 */
import { randomUUID } from 'node:crypto';
import {
  createEnvelope,
  deadLetterTopicFor,
  DRIFT_DETECTED_TOPIC,
  type MessageEnvelope,
  ORDERS_EXECUTED_TOPIC,
  ORDERS_PROPOSED_TOPIC,
  ORDERS_REJECTED_TOPIC,
  PORTFOLIO_STATE_TOPIC,
  PRICE_STALE_TOPIC,
  RISK_ALERT_TOPIC,
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
import { verifyWebhookSignature } from './delivery/webhook-signature';
import {
  aDriftDetected,
  anOrdersExecuted,
  anOrdersProposed,
  anOrdersRejected,
  aPortfolioState,
  aPriceStale,
  aRiskAlert,
} from './testing/events.builder';
import { type CapturedMail, MailCapture } from './testing/mail-capture';
import { WebhookReceiver } from './testing/webhook-receiver';

const runId = uniqueRunId('n');
const tag = runId.slice(-8).toUpperCase();
const topicPrefix = `${runId}.`;
const groupPrefix = `${runId}-`;
const topic = (name: string) => `${topicPrefix}${name}`;
const schema = `notification_${runId}`;
const TOKEN = `token-${randomUUID()}`;
const SECRET_A = `secret-a-${randomUUID()}`;
const SECRET_B = `secret-b-${randomUUID()}`;
const MAX_ATTEMPTS = 3;
const FLAKY_FAILURES = 2;

const household = {
  A: `household-a-${runId}`,
  B: `household-b-${runId}`,
  C: `household-c-${runId}`,
  D: `household-d-${runId}`,
} as const;
const portfolio = {
  A: randomUUID(),
  B: randomUUID(),
  C: randomUUID(),
  D: randomUUID(),
  late: randomUUID(),
} as const;
const staleSymbol = `STALE.${tag}`;
const recipients = [`advisor-${runId}@example.com`, `client-${runId}@example.com`];

const bounce = `bounce-${runId}@example.com`;
const mail = new MailCapture((address) => address === bounce);
const webhooks = new WebhookReceiver((path, earlier) =>
  path === '/flaky' ? (earlier < FLAKY_FAILURES ? 503 : 204) : path === '/down' ? 503 : 410,
);
let webhookBase: string;
let service: ServiceProcess;
let kafka: KafkaTestClient;
let db: Client;

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new Error(`${name} is not set: the integration global setup did not run`);
  return value;
}

function authorized(init: RequestInit = {}): RequestInit {
  return {
    ...init,
    headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${TOKEN}` },
  };
}

async function putPreferences(householdId: string, body: unknown): Promise<Response> {
  return fetch(
    `${service.baseUrl}/households/${householdId}/preferences`,
    authorized({
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
}

async function send<T>(logical: string, key: string, payload: T, id?: string): Promise<MessageEnvelope<T>> {
  const envelope = createEnvelope({
    ...(id === undefined ? {} : { id }),
    type: logical,
    schemaVersion: 1,
    producedBy: 'notification-int-spec',
    payload,
  });
  await kafka.send(topic(logical), [{ key, value: JSON.stringify(envelope) }]);
  return envelope;
}

interface FeedItem {
  id: string;
  kind: string;
  title: string;
  text: string;
  portfolioId: string | null;
  sourceMessageId: string;
  facts: Record<string, unknown>;
}

async function feed(householdId: string): Promise<FeedItem[]> {
  const items: FeedItem[] = [];
  let after: string | null = '0';
  while (after !== null) {
    const response = await fetch(
      `${service.baseUrl}/notifications?householdId=${householdId}&after=${after}&limit=3`,
      authorized(),
    );
    expect(response.status).toBe(200);
    const page = (await response.json()) as { items: FeedItem[]; next: string | null };
    items.push(...page.items);
    after = page.next;
  }
  return items;
}

function waitForFeed(householdId: string, description: string, done: (items: FeedItem[]) => boolean) {
  let last: FeedItem[] = [];
  return waitFor(
    description,
    async () => {
      last = await feed(householdId);
      return done(last) ? last : undefined;
    },
    {
      timeoutMs: 60_000,
      intervalMs: 200,
      lastSeen: () => `feed: ${last.map((item) => item.kind).join(', ')}`,
    },
  );
}

function mailsAbout(sourceMessageId: string): CapturedMail[] {
  return mail.mails.filter((message) => message.text.includes(`event ${sourceMessageId}`));
}

async function deliveryRows(sourceMessageId: string) {
  const result = await db.query<{ channel: string; recipient: string; status: string; attempts: number }>(
    `SELECT channel, recipient, status, attempts FROM "${schema}".notification_delivery
     WHERE source_message_id = $1 ORDER BY channel, recipient`,
    [sourceMessageId],
  );
  return result.rows;
}

beforeAll(async () => {
  const smtpPort = randomPort();
  await mail.listen(smtpPort);
  const webhookPort = randomPort();
  await webhooks.listen(webhookPort);
  webhookBase = `http://127.0.0.1:${webhookPort}`;
  db = new Client({ connectionString: requiredEnv('DATABASE_URL') });
  await db.connect();

  await buildService('notification');
  service = new ServiceProcess('notification', {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    HTTP_PORT: String(randomPort()),
    SERVICE_INSTANCE_ID: runId,
    KAFKA_BROKERS: requiredEnv('KAFKA_BROKERS'),
    KAFKA_GROUP_PREFIX: groupPrefix,
    KAFKA_TOPIC_PREFIX: topicPrefix,
    KAFKA_MAX_ATTEMPTS: '3',
    DATABASE_URL: requiredEnv('DATABASE_URL'),
    DATABASE_SCHEMA: schema,
    NOTIFICATION_API_TOKEN: TOKEN,
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtpPort),
    SMTP_FROM: 'Ballast <ballast@example.com>',
    DELIVERY_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
    DELIVERY_BACKOFF_BASE_MS: '50',
    DELIVERY_BACKOFF_MAX_MS: '200',
    DELIVERY_POLL_MS: '100',
    DELIVERY_TIMEOUT_MS: '5000',
  });
  await service.start(120_000);

  kafka = new KafkaTestClient(requiredEnv('KAFKA_BROKERS').split(','));
  await kafka.watch([topic(deadLetterTopicFor(`${groupPrefix}notification`))]);
}, 240_000);

afterAll(async () => {
  // Every step runs even if an earlier one fails; the process goes first.
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

describe('notification service', () => {
  it('refuses the preference and feed routes without the internal token, and changes nothing', async () => {
    const unauthenticated = await fetch(`${service.baseUrl}/households/${household.A}/preferences`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ routes: { drift: [] } }),
    });
    expect(unauthenticated.status).toBe(401);
    const wrongToken = await fetch(`${service.baseUrl}/notifications?householdId=${household.A}`, {
      headers: { authorization: 'Bearer not-the-token-at-all' },
    });
    expect(wrongToken.status).toBe(401);
    const stored = await fetch(`${service.baseUrl}/households/${household.A}/preferences`, authorized());
    expect(stored.status).toBe(200);
    expect(await stored.json()).toMatchObject({
      routes: { drift: ['in-app'] },
      email: null,
      webhook: null,
      updatedAt: null,
    });
  });

  it('validates preferences, naming every problem', async () => {
    const response = await putPreferences(household.A, {
      routes: { drift: ['email', 'pager'] },
      webhook: { url: 'ftp://example.com', secret: 'short' },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { issues: { path: string }[] };
    expect(body.issues.map((issue) => issue.path)).toEqual(
      expect.arrayContaining(['routes.drift.1', 'webhook.url', 'webhook.secret']),
    );
  });

  it('stores preferences and never returns the webhook secret', async () => {
    const everything = ['in-app', 'email', 'webhook'];
    const responseA = await putPreferences(household.A, {
      routes: Object.fromEntries(
        ['drift', 'approval-required', 'order-executed', 'order-rejected', 'risk-alert', 'price-stale'].map(
          (kind) => [kind, everything],
        ),
      ),
      email: { recipients },
      webhook: { url: `${webhookBase}/flaky`, secret: SECRET_A },
    });
    expect(responseA.status).toBe(200);
    const text = await responseA.text();
    expect(text).not.toContain(SECRET_A);
    expect(JSON.parse(text)).toMatchObject({ webhook: { url: `${webhookBase}/flaky`, secretSet: true } });
    const responseB = await putPreferences(household.B, {
      routes: { drift: ['webhook'] },
      webhook: { url: `${webhookBase}/down`, secret: SECRET_B },
    });
    expect(responseB.status).toBe(200);
    const read = await (
      await fetch(`${service.baseUrl}/households/${household.B}/preferences`, authorized())
    ).text();
    expect(read).not.toContain(SECRET_B);
    expect(JSON.parse(read)).toMatchObject({ routes: { drift: ['webhook'], 'risk-alert': ['in-app'] } });
  });

  describe('with the portfolios known', () => {
    const sent: Record<string, MessageEnvelope<unknown>> = {};

    beforeAll(async () => {
      const holdingStale = (portfolioId: string, householdId: string, name: string) =>
        aPortfolioState({
          portfolioId,
          householdId,
          name,
          accounts: [
            {
              accountId: 'acct-taxable',
              name: 'Brokerage',
              type: 'taxable',
              cash: '1000.00',
              positions: [
                { symbol: 'VTI', quantity: '100', lots: [] },
                { symbol: staleSymbol, quantity: '150', lots: [] },
              ],
            },
          ],
          targets: [
            { symbol: 'VTI', weight: 0.6 },
            { symbol: staleSymbol, weight: 0.4 },
          ],
        });
      await send(PORTFOLIO_STATE_TOPIC, portfolio.A, holdingStale(portfolio.A, household.A, 'Retirement A'));
      await send(
        PORTFOLIO_STATE_TOPIC,
        portfolio.B,
        aPortfolioState({ portfolioId: portfolio.B, householdId: household.B, name: 'Trust B' }),
      );
      await send(PORTFOLIO_STATE_TOPIC, portfolio.C, holdingStale(portfolio.C, household.C, 'College C'));
      await send(
        PORTFOLIO_STATE_TOPIC,
        portfolio.D,
        aPortfolioState({ portfolioId: portfolio.D, householdId: household.D, name: 'Estate D' }),
      );
      // Topics are consumed independently: a price.stale read before a portfolio's first snapshot
      // cannot name that portfolio (see README, Failure modes), so the events wait for the directory.
      await waitFor('the four portfolios in the directory', async () => {
        const result = await db.query(
          `SELECT 1 FROM "${schema}".portfolio_directory WHERE portfolio_id = ANY($1::uuid[])`,
          [[portfolio.A, portfolio.B, portfolio.C, portfolio.D]],
        );
        return result.rowCount === 4 ? true : undefined;
      });
    });

    it('notifies every kind of event in the channels the household chose, with the facts', async () => {
      const P = portfolio.A;
      sent['drift'] = await send(DRIFT_DETECTED_TOPIC, P, aDriftDetected({ portfolioId: P }));
      sent['approval-required'] = await send(ORDERS_PROPOSED_TOPIC, P, anOrdersProposed({ portfolioId: P }));
      const approvedByPolicy = await send(
        ORDERS_PROPOSED_TOPIC,
        P,
        anOrdersProposed({
          portfolioId: P,
          proposalId: randomUUID(),
          approval: {
            required: false,
            approversRequired: 0,
            reason: 'below the threshold',
            expiresAt: '2024-03-16T14:30:00Z',
          },
        }),
      );
      sent['order-executed'] = await send(ORDERS_EXECUTED_TOPIC, P, anOrdersExecuted({ portfolioId: P }));
      sent['order-rejected'] = await send(ORDERS_REJECTED_TOPIC, P, anOrdersRejected({ portfolioId: P }));
      sent['risk-alert'] = await send(RISK_ALERT_TOPIC, P, aRiskAlert({ portfolioId: P }));
      sent['price-stale'] = await send(PRICE_STALE_TOPIC, staleSymbol, aPriceStale({ symbol: staleSymbol }));
      const kinds = Object.keys(sent);

      // In-app: one entry per kind, none for the proposal approved by policy.
      const items = await waitForFeed(
        household.A,
        'six notifications in household A',
        (found) => found.length >= 6,
      );
      expect(items.map((item) => item.kind).sort()).toEqual([...kinds].sort());
      expect(items.map((item) => item.sourceMessageId)).not.toContain(approvedByPolicy.id);
      for (const kind of kinds) {
        expect(items.find((item) => item.kind === kind)?.sourceMessageId).toBe(sent[kind]?.id);
      }
      const approval = items.find((item) => item.kind === 'approval-required');
      expect(approval?.title).toBe('Approval needed: 2 order(s) for Retirement A');
      expect(approval?.text).toContain('two approvers (four eyes)');

      // Email: each notification to both recipients, once each.
      await waitFor('12 emails to household A', () => (mail.mails.length >= 12 ? true : undefined), {
        timeoutMs: 60_000,
        lastSeen: () => `${mail.mails.length} emails`,
      });
      for (const kind of kinds) {
        const mails = mailsAbout(sent[kind]?.id ?? '');
        expect([
          kind,
          mails
            .map((message) => message.to)
            .flat()
            .sort(),
        ]).toEqual([kind, [...recipients].sort()]);
      }
      const approvalMail = mailsAbout(sent['approval-required']?.id ?? '')[0];
      expect(approvalMail?.from).toBe('ballast@example.com');
      expect(approvalMail?.subject).toBe('[Ballast] Approval needed: 2 order(s) for Retirement A');
      expect(approvalMail?.text).toContain(
        'leg 1: sell 14 VTI in acct-taxable at about 251.37 (3519.18 USD)',
      );
      expect(approvalMail?.text).toContain('Estimated tax 61.88 USD');
      const executedMail = mailsAbout(sent['order-executed']?.id ?? '')[0];
      expect(executedMail?.text).toContain('Fees 0.75 USD.');
      const staleMail = mailsAbout(sent['price-stale']?.id ?? '')[0];
      expect(staleMail?.subject).toContain(`Stale price: ${staleSymbol}`);

      // Webhooks: each one failed twice (503) and was retried until accepted; all signed.
      const accepted = await waitFor(
        'six accepted webhooks',
        () => {
          const ok = webhooks.requests.filter(
            (request) => request.path === '/flaky' && request.status === 204,
          );
          return ok.length >= 6 ? ok : undefined;
        },
        { timeoutMs: 60_000, lastSeen: () => `${webhooks.requests.length} webhook requests` },
      );
      expect(accepted).toHaveLength(6);
      for (const request of accepted) {
        const timestamp = Number(request.headers['x-ballast-timestamp']);
        const signature = request.headers['x-ballast-signature'] ?? '';
        expect(verifyWebhookSignature(SECRET_A, timestamp, request.body, signature)).toBe(true);
        expect(verifyWebhookSignature(SECRET_B, timestamp, request.body, signature)).toBe(false);
        const attempts = webhooks.requests.filter(
          (other) => other.headers['x-ballast-delivery'] === request.headers['x-ballast-delivery'],
        );
        expect(attempts.map((attempt) => attempt.status)).toEqual([503, 503, 204]);
        expect(request.headers['x-ballast-attempt']).toBe('3');
      }
      const bodies = accepted.map(
        (request) => JSON.parse(request.body) as { kind: string; source: { messageId: string } },
      );
      expect(bodies.map((body) => body.kind).sort()).toEqual([...kinds].sort());
      for (const body of bodies) expect(body.source.messageId).toBe(sent[body.kind]?.id);
      const rows = await deliveryRows(sent['drift']?.id ?? '');
      expect(rows).toEqual(
        [
          { channel: 'email', recipient: recipients[0], status: 'sent', attempts: 1 },
          { channel: 'email', recipient: recipients[1], status: 'sent', attempts: 1 },
          { channel: 'webhook', recipient: `${webhookBase}/flaky`, status: 'sent', attempts: 3 },
        ].sort((a, b) => (a.channel + a.recipient).localeCompare(b.channel + b.recipient)),
      );

      // Household C has no preferences: the stale price is in its feed, and nothing was sent out.
      const itemsC = await waitForFeed(
        household.C,
        'the stale price in household C',
        (found) => found.length >= 1,
      );
      expect(itemsC.map((item) => item.kind)).toEqual(['price-stale']);
      expect(itemsC[0]?.text).toContain('College C');
      // One delivery row per recipient of A (two emails, one webhook); C's default sends nothing out.
      expect((await deliveryRows(sent['price-stale']?.id ?? '')).map((row) => row.channel)).toEqual([
        'email',
        'email',
        'webhook',
      ]);
    });

    it('sends nothing twice when an event is redelivered', async () => {
      const drift = sent['drift'];
      if (drift === undefined) throw new Error('the previous test did not run');
      const before = { mails: mailsAbout(drift.id).length, webhooks: webhooks.requests.length };
      // The same record again (same id), then a marker behind it on the same partition (same key):
      // once the marker is in the feed, the redelivery has been consumed.
      await kafka.send(topic(DRIFT_DETECTED_TOPIC), [{ key: portfolio.A, value: JSON.stringify(drift) }]);
      const marker = await send(
        RISK_ALERT_TOPIC,
        portfolio.A,
        aRiskAlert({ portfolioId: portfolio.A, limit: 'annual-volatility' }),
      );
      const items = await waitForFeed(household.A, 'the marker after the redelivery', (found) =>
        found.some((item) => item.sourceMessageId === marker.id),
      );
      expect(items.filter((item) => item.sourceMessageId === drift.id)).toHaveLength(1);
      expect(await deliveryRows(drift.id)).toHaveLength(3);
      await waitFor('the marker emails', () => (mailsAbout(marker.id).length === 2 ? true : undefined), {
        timeoutMs: 60_000,
      });
      expect(mailsAbout(drift.id)).toHaveLength(before.mails);
      const driftWebhooks = webhooks.requests.filter((request) => request.body.includes(drift.id));
      expect(driftWebhooks.map((request) => request.status)).toEqual([503, 503, 204]);
    });

    it('dead-letters a poison message with the reason, and the next message is delivered', async () => {
      const dlq = topic(deadLetterTopicFor(`${groupPrefix}notification`));
      await kafka.send(topic(DRIFT_DETECTED_TOPIC), [{ key: portfolio.A, value: '{"not json' }]);
      const invalid = createEnvelope({
        type: DRIFT_DETECTED_TOPIC,
        schemaVersion: 1,
        producedBy: 'notification-int-spec',
        payload: { ...aDriftDetected({ portfolioId: portfolio.A }), triggers: [] },
      });
      await kafka.send(topic(DRIFT_DETECTED_TOPIC), [{ key: portfolio.A, value: JSON.stringify(invalid) }]);
      const next = await send(
        ORDERS_REJECTED_TOPIC,
        portfolio.A,
        anOrdersRejected({ portfolioId: portfolio.A, code: 'halted', reason: 'VTI is halted' }),
      );

      const letters = await waitFor(
        'two dead letters',
        () => {
          const found = kafka.messages(dlq, (message) => message.headers['x-dlq-reason'] === 'schema');
          return found.length >= 2 ? found : undefined;
        },
        { timeoutMs: 60_000 },
      );
      const reasons = letters.map(
        (letter) => (letter.json as { reason: { message: string; issues?: { path: string }[] } }).reason,
      );
      expect(reasons[0]?.message).toContain('value is not valid JSON');
      expect(reasons[1]?.message).toBe('message does not match the drift.detected schema');
      expect(reasons[1]?.issues?.map((issue) => issue.path)).toContain('payload.triggers');
      expect((letters[0]?.json as { value: string }).value).toBe('{"not json');

      const items = await waitForFeed(household.A, 'the message behind the poison', (found) =>
        found.some((item) => item.sourceMessageId === next.id),
      );
      expect(items.find((item) => item.sourceMessageId === next.id)?.title).toContain('(halted)');
    });

    it('retries a failing webhook with backoff, then records the dead letter in the table and on notification.dlq', async () => {
      const drift = await send(
        DRIFT_DETECTED_TOPIC,
        portfolio.B,
        aDriftDetected({ portfolioId: portfolio.B }),
      );
      const dlq = topic(deadLetterTopicFor(`${groupPrefix}notification`));
      const letter = await waitFor(
        'the delivery dead letter',
        () =>
          kafka.messages(
            dlq,
            (message) => message.headers['x-dlq-reason'] === 'delivery-failed' && message.key === drift.id,
          )[0],
        { timeoutMs: 60_000 },
      );
      const deadLetter = letter.json as {
        reason: { kind: string; message: string };
        attempts: number;
        sourceTopic: string;
        value: string;
      };
      expect(deadLetter.reason.kind).toBe('retries-exhausted');
      expect(deadLetter.reason.message).toContain(`after ${MAX_ATTEMPTS} attempt(s): HTTP 503`);
      expect(deadLetter.attempts).toBe(MAX_ATTEMPTS);
      expect(deadLetter.sourceTopic).toBe(topic(DRIFT_DETECTED_TOPIC));
      expect(JSON.parse(deadLetter.value)).toMatchObject({
        kind: 'drift',
        householdId: household.B,
        channel: 'webhook',
        sourceMessageId: drift.id,
      });
      const rows = await deliveryRows(drift.id);
      expect(rows).toEqual([
        { channel: 'webhook', recipient: `${webhookBase}/down`, status: 'dead', attempts: MAX_ATTEMPTS },
      ]);
      const attempts = webhooks.requests.filter(
        (request) => request.path === '/down' && request.body.includes(drift.id),
      );
      expect(attempts.map((request) => request.status)).toEqual(Array(MAX_ATTEMPTS).fill(503));
      // B routed drift to the webhook only: nothing in its feed.
      expect(await feed(household.B)).toEqual([]);
      // The only delivery of this run given up on, counted for operators.
      const metrics = await (await fetch(`${service.baseUrl}/metrics`)).text();
      expect(metrics).toContain(
        'ballast_notification_delivery_attempts_total{channel="webhook",outcome="dead"} 1',
      );
    });

    it('gives up at once on a final answer: SMTP 550 for a mailbox, HTTP 410 for a webhook', async () => {
      const put = await putPreferences(household.D, {
        routes: { 'risk-alert': ['email', 'webhook'] },
        email: { recipients: [bounce] },
        webhook: { url: `${webhookBase}/gone`, secret: SECRET_B },
      });
      expect(put.status).toBe(200);
      const alert = await send(RISK_ALERT_TOPIC, portfolio.D, aRiskAlert({ portfolioId: portfolio.D }));
      const rows = await waitFor(
        'both deliveries dead',
        async () => {
          const found = await db.query<{
            channel: string;
            status: string;
            attempts: number;
            last_error: string;
          }>(
            `SELECT channel, status, attempts, last_error FROM "${schema}".notification_delivery
             WHERE source_message_id = $1 AND status = 'dead' ORDER BY channel`,
            [alert.id],
          );
          return found.rows.length === 2 ? found.rows : undefined;
        },
        { timeoutMs: 60_000 },
      );
      expect(rows.map((row) => [row.channel, row.attempts])).toEqual([
        ['email', 1],
        ['webhook', 1],
      ]);
      expect(rows[0]?.last_error).toContain('SMTP 550');
      expect(rows[1]?.last_error).toContain('HTTP 410');
      expect(webhooks.requests.filter((request) => request.path === '/gone')).toHaveLength(1);
      expect(mail.mails.filter((message) => message.to.includes(bounce))).toEqual([]);
    });

    it('streams a new notification live over server-sent events', async () => {
      const controller = new AbortController();
      const response = await fetch(
        `${service.baseUrl}/notifications/stream?householdId=${household.A}`,
        authorized({ signal: controller.signal, headers: { accept: 'text/event-stream' } }),
      );
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      const reader = response.body?.getReader();
      if (reader === undefined) throw new Error('no response body');
      let received = '';
      const reading = (async () => {
        const decoder = new TextDecoder();
        for (;;) {
          const chunk = await reader.read();
          if (chunk.done) return;
          received += decoder.decode(chunk.value as Uint8Array, { stream: true });
        }
        // Aborting the request at the end rejects the pending read: that is how the stream ends.
      })().catch((error: unknown) => {
        if ((error as Error).name !== 'AbortError') throw error;
      });
      try {
        const executed = await send(
          ORDERS_EXECUTED_TOPIC,
          portfolio.A,
          anOrdersExecuted({
            portfolioId: portfolio.A,
            leg: 2,
            clientOrderId: `${anOrdersExecuted().proposalId}-2`,
            symbol: 'BND',
            side: 'buy',
            requestedQuantity: '48',
            filledQuantity: '48',
            fills: [
              {
                fillId: 'paper-2-a',
                quantity: '48',
                price: '72.11',
                fee: '0.40',
                at: '2024-03-15T15:10:05Z',
              },
            ],
          }),
        );
        const event = await waitFor(
          'the live event',
          () => received.split('\n\n').find((block) => block.includes(executed.id)),
          { timeoutMs: 60_000, lastSeen: () => `received: ${received.slice(-500)}` },
        );
        expect(event).toContain('event: order-executed');
        const data = JSON.parse(/^data: (.*)$/m.exec(event)?.[1] ?? 'null') as FeedItem;
        expect(data.title).toBe('Executed: buy 48 BND for Retirement A');
        expect(/^id: (\d+)$/m.exec(event)?.[1]).toBe(data.id);
      } finally {
        controller.abort();
        await reading;
      }
    });

    it('holds an event that arrives before its portfolio, and notifies once the portfolio is known', async () => {
      const early = await send(RISK_ALERT_TOPIC, portfolio.late, aRiskAlert({ portfolioId: portfolio.late }));
      await waitFor('the early event parked', async () => {
        const result = await db.query(`SELECT 1 FROM "${schema}".parked_event WHERE message_id = $1`, [
          early.id,
        ]);
        return result.rowCount === 1 ? true : undefined;
      });
      await send(
        PORTFOLIO_STATE_TOPIC,
        portfolio.late,
        aPortfolioState({ portfolioId: portfolio.late, householdId: household.C, name: 'Late C' }),
      );
      const items = await waitForFeed(household.C, 'the parked event', (found) =>
        found.some((item) => item.sourceMessageId === early.id),
      );
      expect(items.find((item) => item.sourceMessageId === early.id)?.title).toBe(
        'Risk limit breached in Late C: max-drawdown',
      );
    });
  });
});
