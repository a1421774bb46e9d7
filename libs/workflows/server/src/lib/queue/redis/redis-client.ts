import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { RedisReplyError, RespDecoder, encodeCommand, type RespArgument, type RespValue } from './resp';

export interface RedisEndpoint {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly username?: string;
  readonly password?: string;
  readonly db: number;
}

/** `redis://[user:password@]host[:port][/db]`, `rediss://` for TLS. */
export function parseRedisUrl(url: string): RedisEndpoint {
  const parsed = new URL(url);
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new Error(`not a redis:// URL: ${parsed.protocol}`);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new Error(`the database in a redis:// URL is a number, got "${parsed.pathname.slice(1)}"`);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    tls: parsed.protocol === 'rediss:',
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db,
  };
}

interface Pending {
  readonly resolve: (value: RespValue) => void;
  readonly reject: (error: Error) => void;
}

export type MessageListener = (channel: string, message: string) => void;

const CLOSED = 'Connection is closed.';

/**
 * One Redis connection speaking RESP2, with the surface of Bun's built-in RedisClient (`send`,
 * `connect`, `close`, `duplicate`, `connected`, `onconnect`/`onclose`) so BullMQ's own
 * `createBunRedisClient` adapter drives it: BullMQ 6 no longer ships a Redis driver, and this
 * workspace adds none. Replies arrive in request order, so concurrent `send`s pipeline. `connect`
 * keeps retrying (Redis restarting, not up yet) until it succeeds or the client is closed.
 */
export class RedisClient {
  connected = false;
  onconnect: (() => void) | null = null;
  onclose: ((error?: Error) => void) | null = null;
  onerror: ((error: Error) => void) | null = null;
  private readonly endpoint: RedisEndpoint;
  private socket: Socket | null = null;
  private connecting: Promise<void> | null = null;
  private pending: Pending[] = [];
  private closing = false;
  private listener: MessageListener | null = null;

  constructor(readonly url: string) {
    this.endpoint = parseRedisUrl(url);
  }

  connect(): Promise<void> {
    if (this.connected) return Promise.resolve();
    this.closing = false;
    this.connecting ??= this.connectWithRetry().finally(() => (this.connecting = null));
    return this.connecting;
  }

  /** `T`: what the caller knows the command answers (RESP2 has no more types than RespValue). */
  send<T = RespValue>(command: string, args: readonly RespArgument[] = []): Promise<T> {
    const socket = this.socket;
    if (!socket || !this.connected) return Promise.reject(new Error(CLOSED));
    return this.write(socket, command, args) as Promise<T>;
  }

  get(key: string): Promise<string | null> {
    return this.send<string | null>('GET', [key]);
  }

  smembers(key: string): Promise<string[]> {
    return this.send<string[]>('SMEMBERS', [key]);
  }

  incr(key: string): Promise<number> {
    return this.send<number>('INCR', [key]);
  }

  /** Subscriber mode: published messages go to `listener` (one per connection). */
  async subscribe(channel: string, listener: MessageListener): Promise<void> {
    this.listener = listener;
    await this.send('SUBSCRIBE', [channel]);
  }

  close(): void {
    this.closing = true;
    this.socket?.destroy();
  }

  /** A new, unconnected client for the same server (BullMQ's blocking and reconnected connections). */
  async duplicate(): Promise<RedisClient> {
    return new RedisClient(this.url);
  }

  private async connectWithRetry(): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      if (this.closing) throw new Error(CLOSED);
      try {
        await this.open();
        return;
      } catch (error) {
        if (this.closing) throw new Error(CLOSED);
        this.onerror?.(error as Error);
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 5000)));
      }
    }
  }

  private open(): Promise<void> {
    const { host, port, tls } = this.endpoint;
    return new Promise<void>((resolve, reject) => {
      const socket = tls ? connectTls({ host, port, servername: host }) : connectTcp({ host, port });
      let established = false;
      let lastError: Error | undefined;
      const decoder = new RespDecoder((value) => this.receive(value));
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 30_000);
      socket.once(tls ? 'secureConnect' : 'connect', () => {
        this.socket = socket;
        this.connected = true;
        this.handshake(socket).then(
          () => {
            established = true;
            resolve();
            this.onconnect?.();
          },
          (error: Error) => {
            lastError = error;
            socket.destroy();
          },
        );
      });
      socket.on('data', (chunk: Buffer) => {
        try {
          decoder.push(chunk);
        } catch (error) {
          socket.destroy(error as Error);
        }
      });
      socket.on('error', (error) => (lastError = error));
      socket.on('close', () => {
        if (this.socket === socket) {
          this.socket = null;
          this.connected = false;
        }
        const reason = new Error(`Connection closed${lastError ? `: ${lastError.message}` : ''}`);
        const pending = this.pending;
        this.pending = [];
        for (const waiter of pending) waiter.reject(reason);
        if (!established) return reject(lastError ?? reason);
        this.onclose?.(this.closing ? undefined : reason);
      });
    });
  }

  private async handshake(socket: Socket): Promise<void> {
    const { username, password, db } = this.endpoint;
    if (password) await this.write(socket, 'AUTH', username ? [username, password] : [password]);
    if (db !== 0) await this.write(socket, 'SELECT', [db]);
  }

  private write(socket: Socket, command: string, args: readonly RespArgument[]): Promise<RespValue> {
    return new Promise<RespValue>((resolve, reject) => {
      this.pending.push({ resolve, reject });
      socket.write(encodeCommand(command, args));
    });
  }

  private receive(value: RespValue): void {
    if (this.listener && Array.isArray(value) && value[0] === 'message') {
      this.listener(String(value[1]), String(value[2]));
      return;
    }
    const waiter = this.pending.shift();
    if (!waiter) return;
    if (value instanceof RedisReplyError) waiter.reject(value);
    else waiter.resolve(value);
  }
}
