/**
 * Redis as a cache must fail fast: a dead or hung Redis must never hang a request or a consumer.
 * Checked against a real Redis, a closed port, and a TCP server that accepts and never answers.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { connectRedis, createRedisClient, RedisUnavailableError } from './redis.module';

const timeouts = { REDIS_COMMAND_TIMEOUT_MS: 300, REDIS_CONNECT_TIMEOUT_MS: 300 };

describe('createRedisClient', () => {
  let silent: Server;
  let silentPort: number;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // Accepts connections and says nothing: a hung server.
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as { port: number }).port;
  });

  afterAll(async () => {
    sockets.forEach((socket) => socket.destroy());
    await new Promise((resolve) => silent.close(resolve));
  });

  it('talks to a real Redis', async () => {
    const url = process.env['REDIS_URL'] ?? '';
    const client = await connectRedis(createRedisClient({ REDIS_URL: url, ...timeouts }), url);
    try {
      expect(await client.ping()).toBe('PONG');
    } finally {
      await client.quit();
    }
  });

  it('fails at once with a named error when nothing listens', async () => {
    const url = 'redis://127.0.0.1:1';
    await expect(connectRedis(createRedisClient({ REDIS_URL: url, ...timeouts }), url)).rejects.toThrow(
      RedisUnavailableError,
    );
  }, 10_000);

  it('gives up on a server that accepts and never answers instead of hanging', async () => {
    const url = `redis://127.0.0.1:${silentPort}`;
    // Without the connect timeout this would wait forever (the test's own 10 s limit fails it).
    await expect(connectRedis(createRedisClient({ REDIS_URL: url, ...timeouts }), url)).rejects.toThrow(
      /Redis at 127\.0\.0\.1:\d+ did not answer/,
    );
  }, 10_000);
});
