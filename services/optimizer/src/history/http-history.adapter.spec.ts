import { createServer, type Server } from 'node:http';
import { type OptimizerConfig } from '../config/optimizer.config';
import { HistoryUnavailableError } from './history.port';
import { HttpHistoryAdapter } from './http-history.adapter';

// A local HTTP server (loopback only, no network) plays market-data: both answer shapes, an error
// status and a malformed body.
let server: Server;
let baseUrl: string;
const requests: string[] = [];
const answers: Record<string, { status: number; body: string }> = {
  flat: {
    status: 200,
    body: JSON.stringify([
      { symbol: 'spy', date: '2024-03-14', close: '512.5', open: '510' },
      { symbol: 'TLT', date: '2024-03-14', close: 92.1 },
    ]),
  },
  grouped: {
    status: 200,
    body: JSON.stringify({
      from: '2024-03-13',
      to: '2024-03-14',
      bars: { SPY: [{ date: '2024-03-14', open: null, close: '512.5', adjClose: null, volume: 1 }] },
    }),
  },
  down: { status: 503, body: 'unavailable' },
  bad: { status: 200, body: JSON.stringify([{ symbol: 'SPY', date: 'yesterday', close: '1' }]) },
};

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push(request.url ?? '');
    // The first path segment picks the answer: /flat/history, /grouped/history, ...
    const answer = answers[(request.url ?? '').split('/')[1] ?? ''];
    response.writeHead(answer?.status ?? 404, { 'content-type': 'application/json' });
    response.end(answer?.body ?? 'no such answer');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const adapter = (path: string) =>
  new HttpHistoryAdapter({
    MARKET_DATA_URL: `${baseUrl}/${path}`,
    HISTORY_TIMEOUT_MS: 2_000,
  } as OptimizerConfig);

describe('HttpHistoryAdapter', () => {
  it('sends the documented query and reads the flat list', async () => {
    const bars = await adapter('flat').dailyCloses(['SPY', 'TLT'], '2024-03-01', '2024-03-14');
    expect(requests.at(-1)).toBe('/flat/history?symbols=SPY%2CTLT&from=2024-03-01&to=2024-03-14');
    expect(bars).toEqual([
      { symbol: 'SPY', date: '2024-03-14', close: '512.5' },
      { symbol: 'TLT', date: '2024-03-14', close: '92.1' },
    ]);
  });

  it("reads market-data's grouped answer", async () => {
    await expect(adapter('grouped').dailyCloses(['SPY'], '2024-03-13', '2024-03-14')).resolves.toEqual([
      { symbol: 'SPY', date: '2024-03-14', close: '512.5' },
    ]);
  });

  it('names the status of a failed answer and the field of a malformed one', async () => {
    await expect(adapter('down').dailyCloses(['SPY'], '2024-03-13', '2024-03-14')).rejects.toThrow(
      HistoryUnavailableError,
    );
    await expect(adapter('down').dailyCloses(['SPY'], '2024-03-13', '2024-03-14')).rejects.toThrow(
      /answered 503/,
    );
    await expect(adapter('bad').dailyCloses(['SPY'], '2024-03-13', '2024-03-14')).rejects.toThrow(
      /unexpected body/,
    );
  });
});
