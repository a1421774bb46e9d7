/** Child processes of the benchmark, with request/reply over IPC. */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const CHILD_ENTRY = join(__dirname, 'child.cjs');

interface Message {
  readonly type: string;
}

/** One forked TypeScript module (api-process.ts or client-process.ts) that answers requests in order. */
export class Child<Request extends Message, Reply extends Message> {
  private readonly inbox: Reply[] = [];
  private waiter: { resolve: (reply: Reply) => void; reject: (error: Error) => void } | null = null;
  private exited: Error | null = null;
  private readonly exit: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (message: Reply) => {
      if (this.waiter) {
        const { resolve } = this.waiter;
        this.waiter = null;
        resolve(message);
      } else this.inbox.push(message);
    });
    // Child stdout (the api's logs) goes to stderr: stdout is the table.
    child.stdout?.pipe(process.stderr);
    this.exit = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exited = new Error(`${name} exited (${signal ?? code})`);
        this.waiter?.reject(this.exited);
        this.waiter = null;
        resolve();
      });
    });
  }

  static start<Request extends Message, Reply extends Message>(
    name: string,
    module: string,
    options: { env?: NodeJS.ProcessEnv; execArgv?: string[] } = {},
  ): Child<Request, Reply> {
    const child = fork(CHILD_ENTRY, [join(__dirname, module)], {
      env: options.env ?? process.env,
      execArgv: options.execArgv ?? [],
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    return new Child<Request, Reply>(name, child);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** The next message; an `error` message rejects. */
  next(timeoutMs = 120_000): Promise<Reply> {
    const queued = this.inbox.shift();
    const settle = (reply: Reply): Reply => {
      if (reply.type === 'error') throw new Error(`${this.name}: ${(reply as unknown as { message: string }).message}`);
      return reply;
    };
    if (queued) return Promise.resolve(queued).then(settle);
    if (this.exited) return Promise.reject(this.exited);
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new Error(`${this.name}: no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = {
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
    }).then(settle);
  }

  /** Sends a request and waits for a reply of type `expect`. */
  async request<Type extends Reply['type']>(
    request: Request,
    expect: Type,
    timeoutMs?: number,
  ): Promise<Extract<Reply, { type: Type }>> {
    this.send(request);
    const reply = await this.next(timeoutMs);
    if (reply.type !== expect) throw new Error(`${this.name}: expected ${expect}, got ${reply.type}`);
    return reply as Extract<Reply, { type: Type }>;
  }

  send(request: Request): void {
    if (!this.exited) this.child.send(request);
  }

  /** Asks the child to stop, kills it if it has not exited after `graceMs`. */
  async stop(request: Request, graceMs = 15_000): Promise<void> {
    if (this.exited) return;
    this.send(request);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exit;
    clearTimeout(timer);
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}
