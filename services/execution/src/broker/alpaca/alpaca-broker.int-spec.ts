/**
 * The Alpaca adapter against RECORDED Alpaca responses (__fixtures__), served by a local HTTP
 * server that also records what the adapter sent. Never the network.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import path from 'node:path';
import { BrokerRejectedError, BrokerTimeoutError, DuplicateClientOrderIdError } from '../broker.port';
import { AlpacaBroker } from './alpaca-broker';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(path.join(__dirname, '__fixtures__', `${name}.json`), 'utf8')) as unknown;

const CLIENT_ORDER_ID = '7d1e4c2a-9b3f-4a5e-8c6d-1f2a3b4c5d6e-1';

interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

type Route = (request: Recorded) => { status: number; body?: unknown; hang?: boolean };

let server: Server;
let baseUrl: string;
let route: Route;
const received: Recorded[] = [];

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const recorded: Recorded = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: text.length > 0 ? (JSON.parse(text) as unknown) : undefined,
      };
      received.push(recorded);
      const answer = route(recorded);
      if (answer.hang === true) return; // never answers: the adapter's timeout must fire
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received.length = 0;
});

function broker(timeoutMs = 2_000): AlpacaBroker {
  return new AlpacaBroker({ baseUrl, keyId: 'PKTEST', secretKey: 'secret-test', timeoutMs });
}

const request = {
  clientOrderId: CLIENT_ORDER_ID,
  accountId: 'acct-taxable',
  symbol: 'VTI',
  side: 'sell' as const,
  quantity: '16',
  limitPrice: '246.34',
};

describe('AlpacaBroker (recorded responses)', () => {
  it('submits a day limit order under the client order id, with the key headers, and reports it working', async () => {
    route = () => ({ status: 200, body: fixture('order-accepted') });
    const order = await broker().submit(request);
    expect(received).toHaveLength(1);
    const [sent] = received;
    expect([
      sent?.method,
      sent?.url,
      sent?.headers['apca-api-key-id'],
      sent?.headers['apca-api-secret-key'],
    ]).toEqual(['POST', '/v2/orders', 'PKTEST', 'secret-test']);
    expect(sent?.body).toEqual({
      symbol: 'VTI',
      qty: '16',
      side: 'sell',
      type: 'limit',
      time_in_force: 'day',
      limit_price: '246.34',
      client_order_id: CLIENT_ORDER_ID,
    });
    expect(order).toEqual({
      clientOrderId: CLIENT_ORDER_ID,
      brokerOrderId: '61e69015-8549-4bfd-b9c3-01e75843f47d',
      state: 'working',
      filledQuantity: '0',
      fills: [],
      brokerStatus: 'accepted',
      reason: 'Alpaca status accepted',
    });
  });

  it("looks a filled order up by client order id and takes its fills from the order's FILL activities", async () => {
    route = (sent) =>
      sent.url.startsWith('/v2/orders:by_client_order_id')
        ? { status: 200, body: fixture('order-filled') }
        : { status: 200, body: fixture('activities-fill') };
    const order = await broker().findByClientOrderId(CLIENT_ORDER_ID);
    expect(received.map((sent) => sent.url)).toEqual([
      `/v2/orders:by_client_order_id?client_order_id=${CLIENT_ORDER_ID}`,
      '/v2/account/activities/FILL?direction=asc&page_size=100&after=2024-03-15T15%3A10%3A01.510123Z',
    ]);
    expect(order).toEqual({
      clientOrderId: CLIENT_ORDER_ID,
      brokerOrderId: '61e69015-8549-4bfd-b9c3-01e75843f47d',
      state: 'done',
      filledQuantity: '16',
      fills: [
        {
          fillId: '20240315151002400::8e5f2b7c-1a3d-4c9e-b6f0-2d4e6a8c0b1d',
          quantity: '10',
          price: '251.3',
          fee: '0',
          at: '2024-03-15T15:10:02.400Z',
        },
        {
          fillId: '20240315151002901::3b5d7f9a-1c3e-4a6b-8d0f-2e4a6c8e0a2c',
          quantity: '6',
          price: '251.335',
          fee: '0',
          at: '2024-03-15T15:10:02.901Z',
        },
      ],
      brokerStatus: 'filled',
      reason: null,
    });
  });

  it('reports a partially filled order as still working, without asking for fills yet', async () => {
    route = () => ({ status: 200, body: fixture('order-partially-filled-working') });
    const order = await broker().findByClientOrderId(CLIENT_ORDER_ID);
    expect([order?.state, order?.filledQuantity, order?.fills, received.length]).toEqual([
      'working',
      '10',
      [],
      1,
    ]);
  });

  it('a cancelled order with a partial fill whose activities lag: one fill at the average price', async () => {
    route = (sent) =>
      sent.url.startsWith('/v2/orders:by_client_order_id')
        ? { status: 200, body: fixture('order-canceled-partially-filled') }
        : { status: 200, body: [] };
    const order = await broker().findByClientOrderId(CLIENT_ORDER_ID);
    expect(order).toMatchObject({
      state: 'done',
      filledQuantity: '6',
      brokerStatus: 'canceled',
      fills: [
        {
          fillId: '61e69015-8549-4bfd-b9c3-01e75843f47d-avg',
          quantity: '6',
          price: '251.28',
          fee: '0',
          at: '2024-03-15T15:11:05.100Z',
        },
      ],
    });
  });

  it('an unknown client order id is null (404), not an error', async () => {
    route = () => ({ status: 404, body: fixture('error-order-not-found') });
    await expect(broker().findByClientOrderId(`${CLIENT_ORDER_ID}9`)).resolves.toBeNull();
  });

  it('a second submission under the same client order id is a duplicate (422), to be looked up', async () => {
    route = () => ({ status: 422, body: fixture('error-duplicate-client-order-id') });
    await expect(broker().submit(request)).rejects.toThrow(
      new DuplicateClientOrderIdError('Alpaca 422: client_order_id must be unique (code 40010001)'),
    );
  });

  it("a refusal (403) is a broker rejection with Alpaca's message", async () => {
    route = () => ({ status: 403, body: fixture('error-insufficient-qty') });
    await expect(broker().submit(request)).rejects.toThrow(BrokerRejectedError);
    await expect(broker().submit(request)).rejects.toThrow(
      'Alpaca 403: insufficient qty available for order (requested: 16, available: 10) (code 40310000)',
    );
  });

  it('no answer within ALPACA_TIMEOUT_MS, or a 5xx, is outcome unknown (a timeout), never a rejection', async () => {
    route = () => ({ status: 0, hang: true });
    await expect(broker(200).submit(request)).rejects.toThrow(BrokerTimeoutError);
    route = () => ({ status: 503, body: { message: 'service unavailable' } });
    await expect(broker().submit(request)).rejects.toThrow(
      new BrokerTimeoutError('Alpaca 503: service unavailable'),
    );
  });

  it('cancels by broker order id, and accepts 422 (already done) as an answer', async () => {
    route = () => ({ status: 204 });
    const order = {
      clientOrderId: CLIENT_ORDER_ID,
      brokerOrderId: '61e69015-8549-4bfd-b9c3-01e75843f47d',
      state: 'working' as const,
      filledQuantity: '10',
      fills: [],
      brokerStatus: 'partially_filled',
      reason: null,
    };
    await broker().cancel(order);
    route = () => ({ status: 422, body: { code: 42210000, message: 'order is not cancelable' } });
    await broker().cancel(order);
    expect(received.map((sent) => `${sent.method} ${sent.url}`)).toEqual([
      'DELETE /v2/orders/61e69015-8549-4bfd-b9c3-01e75843f47d',
      'DELETE /v2/orders/61e69015-8549-4bfd-b9c3-01e75843f47d',
    ]);
  });
});
