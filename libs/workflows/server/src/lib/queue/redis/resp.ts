/** A RESP2 reply: simple and bulk strings, integers, nil, errors (inside arrays too, as EXEC returns them), arrays. */
export type RespValue = string | number | null | RedisReplyError | RespValue[];

export class RedisReplyError extends Error {
  override readonly name = 'RedisReplyError';
}

export class RespProtocolError extends Error {
  override readonly name = 'RespProtocolError';
}

export type RespArgument = string | number | Buffer;

const CRLF = Buffer.from('\r\n');

/** One command as a RESP array of bulk strings (binary-safe: BullMQ passes msgpack buffers). */
export function encodeCommand(command: string, args: readonly RespArgument[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length + 1}\r\n`)];
  for (const arg of [command, ...args]) {
    const data = Buffer.isBuffer(arg) ? arg : Buffer.from(String(arg));
    parts.push(Buffer.from(`$${data.length}\r\n`), data, CRLF);
  }
  return Buffer.concat(parts);
}

interface Parsed {
  readonly value: RespValue;
  readonly end: number;
}

function parseAt(buffer: Buffer, start: number): Parsed | null {
  if (start >= buffer.length) return null;
  const lineEnd = buffer.indexOf(CRLF, start);
  if (lineEnd < 0) return null;
  const line = buffer.toString('utf8', start + 1, lineEnd);
  const next = lineEnd + 2;
  switch (String.fromCharCode(buffer[start])) {
    case '+':
      return { value: line, end: next };
    case '-':
      return { value: new RedisReplyError(line), end: next };
    case ':':
      return { value: Number(line), end: next };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, end: next };
      if (buffer.length < next + length + 2) return null;
      return { value: buffer.toString('utf8', next, next + length), end: next + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, end: next };
      const items: RespValue[] = [];
      let at = next;
      for (let i = 0; i < count; i += 1) {
        const item = parseAt(buffer, at);
        if (!item) return null;
        items.push(item.value);
        at = item.end;
      }
      return { value: items, end: at };
    }
    default:
      throw new RespProtocolError(`unexpected RESP type byte ${buffer[start]} at offset ${start}`);
  }
}

/** Turns the bytes of a connection into replies, however the chunks split them. */
export class RespDecoder {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly onReply: (value: RespValue) => void) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let offset = 0;
    for (;;) {
      const parsed = parseAt(this.buffer, offset);
      if (!parsed) break;
      offset = parsed.end;
      this.onReply(parsed.value);
    }
    if (offset > 0) this.buffer = this.buffer.subarray(offset);
  }
}
