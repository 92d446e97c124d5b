import { ChildProcess, spawn } from 'child_process';
import * as http from 'http';
import * as net from 'net';

/**
 * Real programs started by the tests on loopback: each has a deadline after which it is killed,
 * and `stop()` ends it (SIGTERM, then SIGKILL) also when a test fails half-way.
 */

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A TCP port free on 127.0.0.1 now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** An HTTP request on loopback; never throws for a status, only for no answer. */
export interface RequestOptions {
  readonly method?: string;
  readonly body?: string;
  readonly headers?: http.OutgoingHttpHeaders;
}

export function request(url: string, options: RequestOptions = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** A started program. */
export class RealProcess {
  /** Starts `binary args`; its output is kept for error messages. */
  public static start(binary: string, args: string[], deadlineMs: number, env?: NodeJS.ProcessEnv): RealProcess {
    const proc = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
    return new RealProcess(proc, deadlineMs);
  }

  private output = '';
  private readonly killTimer: NodeJS.Timeout;
  private readonly exited: Promise<void>;

  private constructor(private readonly proc: ChildProcess, deadlineMs: number) {
    proc.stdout!.on('data', (c) => { this.output += c; });
    proc.stderr!.on('data', (c) => { this.output += c; });
    this.exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    this.killTimer = setTimeout(() => proc.kill('SIGKILL'), deadlineMs);
    this.killTimer.unref();
  }

  /** What it printed so far (the last 4,000 characters). */
  public log(): string {
    return this.output.slice(-4000);
  }

  public get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Waits until `url` answers 200, or fails with the program's output. */
  public async waitForHttp(url: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      try {
        if ((await request(url)).status === 200) return;
      } catch {
        // not listening yet
      }
      if (!this.running) break;
      await sleep(200);
    }
    throw new Error(`${url} did not answer 200 (process ${this.running ? 'running' : 'exited'}):\n${this.log()}`);
  }

  public async stop(): Promise<void> {
    clearTimeout(this.killTimer);
    if (!this.running) return;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}
