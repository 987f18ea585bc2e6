// A real HTTP server standing in for a household's webhook endpoint in the integration tests: it
// records every request (exact body bytes and headers) and answers per path, so that a test can
// make an endpoint fail a few times then succeed, or fail for good.
import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface ReceivedWebhook {
  path: string;
  headers: Record<string, string>;
  body: string;
  status: number;
}

/** The status to answer: given the path and how many earlier requests carried the same delivery id. */
export type WebhookBehaviour = (path: string, earlierAttempts: number) => number;

export class WebhookReceiver {
  readonly requests: ReceivedWebhook[] = [];
  private readonly server: Server;

  constructor(behaviour: WebhookBehaviour) {
    this.server = createServer((request, response) => {
      void readBody(request).then((body) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(request.headers)) {
          if (typeof value === 'string') headers[name] = value;
        }
        const path = request.url ?? '/';
        const delivery = headers['x-ballast-delivery'];
        const earlier = this.requests.filter(
          (seen) => seen.path === path && seen.headers['x-ballast-delivery'] === delivery,
        ).length;
        const status = behaviour(path, earlier);
        this.requests.push({ path, headers, body, status });
        response.writeHead(status, { 'content-type': 'text/plain' }).end(String(status));
      });
    });
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
