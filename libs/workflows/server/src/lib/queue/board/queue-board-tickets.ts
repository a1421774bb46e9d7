import { APP_CONFIG, jwtKeySpec, resolveKey, type AppConfig } from '@camel/server';
import type { FactoryProvider } from '@nestjs/common';
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** How long a queue board cookie lets its owner in (re-opening the board from the console mints a new one). */
export const QUEUE_BOARD_TTL_SECONDS = 600;

export interface QueueBoardTicket {
  readonly userId: string;
  readonly sessionId: string;
  /** Seconds since the epoch. */
  readonly exp: number;
}

const TICKET = /^([0-9a-f-]{36})\.([0-9a-f-]{36})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/**
 * The queue board cookie's value: `<userId>.<sessionId>.<exp>.<mac>`, an HMAC under a key derived
 * from JWT_SECRET (so every api replica accepts what another minted; the secret itself never signs
 * it). It only names the owner's session: every board request checks that session again.
 */
export class QueueBoardTickets {
  static readonly provider: FactoryProvider<QueueBoardTickets> = {
    provide: QueueBoardTickets,
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) => new QueueBoardTickets(resolveKey(jwtKeySpec(config)).secret),
  };

  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, '', 'camel-extensions queue board v1', 32));
  }

  sign(ticket: QueueBoardTicket): string {
    const body = `${ticket.userId}.${ticket.sessionId}.${ticket.exp}`;
    return `${body}.${this.mac(body)}`;
  }

  /** The ticket of an authentic, unexpired value; null for anything else. */
  verify(value: string | undefined, now: Date): QueueBoardTicket | null {
    const match = value && value.length < 200 ? TICKET.exec(value) : null;
    if (!match) return null;
    const [, userId, sessionId, exp, mac] = match;
    const expected = Buffer.from(this.mac(`${userId}.${sessionId}.${exp}`));
    if (!timingSafeEqual(expected, Buffer.from(mac)) || Number(exp) * 1000 <= now.getTime()) return null;
    return { userId, sessionId, exp: Number(exp) };
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
