import { type ChildProcess, execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from './wait-for';

const run = promisify(execFile);
const workspaceRoot = path.resolve(__dirname, '../../../..');

/** Builds a service into dist/ with the same build the Docker image uses. */
export async function buildService(service: string): Promise<void> {
  await run(process.execPath, [path.join(workspaceRoot, 'deploy/build-service.mjs'), service], {
    cwd: workspaceRoot,
  });
}

/**
 * A service running as its own process from its built output (what the image runs), with its log
 * kept for the test's failure messages. Ready means `/health/ready` answered 200: database, Redis
 * and Kafka reached, topics created, consumers started.
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> | undefined;
  readonly log: string[] = [];

  constructor(
    readonly service: string,
    readonly env: Record<string, string>,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.env['HTTP_PORT']}`;
  }

  async start(timeoutMs = 60_000): Promise<void> {
    const main = path.join(workspaceRoot, 'dist', this.service, 'services', this.service, 'src', 'main.js');
    const child = spawn(process.execPath, ['--enable-source-maps', main], {
      cwd: workspaceRoot,
      env: { PATH: process.env['PATH'] ?? '', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    // Safety net: never leave a service behind this test process, whatever happens to it.
    process.once('exit', () => child.kill('SIGKILL'));
    const keep = (chunk: Buffer) => {
      this.log.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((line) => line.length > 0),
      );
      if (this.log.length > 5_000) this.log.splice(0, this.log.length - 5_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    let exitCode: number | null | undefined;
    void this.exited.then((code) => {
      exitCode = code;
    });
    await waitFor(
      `${this.service} to be ready`,
      async () => {
        if (exitCode !== undefined) throw new Error(`${this.service} exited with code ${exitCode}`);
        const response = await fetch(`${this.baseUrl}/health/ready`);
        return response.status === 200 ? true : undefined;
      },
      { timeoutMs, intervalMs: 250, lastSeen: () => `log tail:\n${this.tail()}` },
    );
  }

  /** SIGTERM, then waits for a clean exit (consumers leave their groups). */
  async stop(timeoutMs = 20_000): Promise<number | null> {
    if (this.child === undefined || this.child.exitCode !== null) return this.child?.exitCode ?? null;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), timeoutMs);
    try {
      return (await this.exited) ?? null;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * SIGKILL, as a crash or an OOM kill would: no shutdown hooks, consumers leave uncleanly. Resolves
   * once the process is gone; `start()` may then be called again (a restart).
   */
  async kill(): Promise<void> {
    if (this.child === undefined || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  tail(lines = 40): string {
    return this.log.slice(-lines).join('\n');
  }
}
