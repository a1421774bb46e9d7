import type { WebhookAttemptView, WebhookDeliveryStatus, WebhookDeliveryView, WebhookEventKind } from '@camel/contracts';
import { migrate, type Database, type Migration, type SqlExecutor } from '@camel/event-store';

/**
 * Webhook state kept outside the event log: the signing secrets (credentials, written in the
 * registering event's transaction — docs/security.md), and delivery state (deliveries, attempts,
 * the dispatcher's checkpoint), which is operational: it says what was sent, it is not rebuilt from
 * the log (a rebuild would send everything again). Plain SQL on the store's database, like the
 * identity credentials.
 */
export const WEBHOOK_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'webhooks',
    sql: `
      CREATE TABLE IF NOT EXISTS webhook_secrets (
        webhook_id TEXT PRIMARY KEY,
        secret TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS webhook_deliveries (
        id TEXT PRIMARY KEY,
        webhook_id TEXT NOT NULL,
        project_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        event_id TEXT NOT NULL,
        event_position BIGINT NOT NULL,
        payload TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        next_attempt_at BIGINT,
        lease_until BIGINT,
        created_at TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
      CREATE INDEX IF NOT EXISTS webhook_deliveries_webhook ON webhook_deliveries (webhook_id, event_position);
      CREATE TABLE IF NOT EXISTS webhook_attempts (
        delivery_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        at TEXT NOT NULL,
        status_code INTEGER,
        error TEXT,
        duration_ms INTEGER NOT NULL,
        PRIMARY KEY (delivery_id, attempt)
      );
      CREATE TABLE IF NOT EXISTS webhook_dispatch_checkpoint (
        name TEXT PRIMARY KEY,
        position BIGINT NOT NULL
      );`,
  },
];

const CHECKPOINT = 'webhooks';

export interface NewDelivery {
  readonly id: string;
  readonly webhookId: string;
  readonly projectId: string;
  readonly kind: WebhookEventKind;
  readonly eventId: string;
  readonly eventPosition: number;
  readonly payload: string;
  readonly createdAt: string;
  readonly dueAt: number;
}

export interface DueDelivery {
  readonly id: string;
  readonly webhookId: string;
  readonly kind: WebhookEventKind;
  readonly payload: string;
  readonly attempts: number;
}

export interface AttemptResult {
  readonly at: string;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly durationMs: number;
}

type Row = Record<string, unknown>;
const num = (v: unknown): number => Number(v);

export class WebhookStore {
  constructor(private readonly db: Database) {}

  migrate(): Promise<unknown> {
    return migrate(this.db, 'webhooks', WEBHOOK_MIGRATIONS);
  }

  /** In the registering command's transaction. */
  static async storeSecret(tx: SqlExecutor, webhookId: string, secret: string): Promise<void> {
    await tx.query('INSERT INTO webhook_secrets (webhook_id, secret) VALUES ($1, $2)', [webhookId, secret]);
  }

  static async deleteSecret(tx: SqlExecutor, webhookId: string): Promise<void> {
    await tx.query('DELETE FROM webhook_secrets WHERE webhook_id = $1', [webhookId]);
  }

  async secret(webhookId: string): Promise<string | null> {
    const [row] = await this.db.query<{ secret: string }>('SELECT secret FROM webhook_secrets WHERE webhook_id = $1', [webhookId]);
    return row?.secret ?? null;
  }

  async checkpoint(): Promise<number> {
    const [row] = await this.db.query<{ position: string | number }>('SELECT position FROM webhook_dispatch_checkpoint WHERE name = $1', [CHECKPOINT]);
    return row ? num(row.position) : 0;
  }

  /** The deliveries of a batch and the checkpoint after it, in one transaction; a delivery already made is left as it is. */
  async record(deliveries: readonly NewDelivery[], position: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const d of deliveries) {
        await tx.query(
          `INSERT INTO webhook_deliveries (id, webhook_id, project_id, kind, event_id, event_position, payload, status, attempts, next_attempt_at, lease_until, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $8, NULL, $9) ON CONFLICT (id) DO NOTHING`,
          [d.id, d.webhookId, d.projectId, d.kind, d.eventId, d.eventPosition, d.payload, d.dueAt, d.createdAt],
        );
      }
      await tx.query(
        'INSERT INTO webhook_dispatch_checkpoint (name, position) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET position = excluded.position',
        [CHECKPOINT, position],
      );
    });
  }

  /**
   * Claims up to `limit` due deliveries for `leaseMs` (another replica skips them meanwhile; a
   * sender that dies mid-attempt leaves a lease that expires, and the delivery is tried again).
   */
  async claimDue(now: number, leaseMs: number, limit: number): Promise<DueDelivery[]> {
    const rows = await this.db.query<Row>(
      `UPDATE webhook_deliveries SET lease_until = $1
       WHERE id IN (SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $2 AND (lease_until IS NULL OR lease_until < $2)
                    ORDER BY next_attempt_at, id LIMIT $3)
         AND (lease_until IS NULL OR lease_until < $2)
       RETURNING id, webhook_id, kind, payload, attempts`,
      [now + leaseMs, now, limit],
    );
    return rows.map((r) => ({ id: String(r['id']), webhookId: String(r['webhook_id']), kind: r['kind'] as WebhookEventKind, payload: String(r['payload']), attempts: num(r['attempts']) }));
  }

  /** One attempt's outcome: delivered, failed for good, or due again at `nextAt`. */
  async settle(delivery: DueDelivery, result: AttemptResult, outcome: { status: WebhookDeliveryStatus; nextAt: number | null }): Promise<void> {
    const attempt = delivery.attempts + 1;
    await this.db.transaction(async (tx) => {
      await tx.query(
        'INSERT INTO webhook_attempts (delivery_id, attempt, at, status_code, error, duration_ms) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (delivery_id, attempt) DO NOTHING',
        [delivery.id, attempt, result.at, result.statusCode, result.error, result.durationMs],
      );
      await tx.query('UPDATE webhook_deliveries SET status = $1, attempts = $2, next_attempt_at = $3, lease_until = NULL WHERE id = $4', [
        outcome.status,
        attempt,
        outcome.nextAt,
        delivery.id,
      ]);
    });
  }

  /** The earliest time a pending delivery is due (null: none pending). */
  async nextDue(): Promise<number | null> {
    const [row] = await this.db.query<{ due: string | number | null }>("SELECT MIN(next_attempt_at) AS due FROM webhook_deliveries WHERE status = 'pending'");
    return row?.due === null || row?.due === undefined ? null : num(row.due);
  }

  async deliveries(webhookId: string, limit: number): Promise<WebhookDeliveryView[]> {
    const rows = await this.db.query<Row>(
      'SELECT id, webhook_id, kind, event_id, event_position, status, next_attempt_at, created_at FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY event_position DESC, id LIMIT $2',
      [webhookId, limit],
    );
    if (rows.length === 0) return [];
    const ids = rows.map((r) => String(r['id']));
    const attempts = await this.db.query<Row>(
      `SELECT delivery_id, attempt, at, status_code, error, duration_ms FROM webhook_attempts WHERE delivery_id IN (${ids.map((_, i) => `$${i + 1}`).join(', ')}) ORDER BY delivery_id, attempt`,
      ids,
    );
    const byDelivery = new Map<string, WebhookAttemptView[]>();
    for (const a of attempts) {
      const list = byDelivery.get(String(a['delivery_id'])) ?? [];
      list.push({
        attempt: num(a['attempt']),
        at: String(a['at']),
        statusCode: a['status_code'] === null ? null : num(a['status_code']),
        error: a['error'] === null ? null : String(a['error']),
        durationMs: num(a['duration_ms']),
      });
      byDelivery.set(String(a['delivery_id']), list);
    }
    return rows.map((r) => ({
      id: String(r['id']),
      webhookId: String(r['webhook_id']),
      kind: r['kind'] as WebhookEventKind,
      eventId: String(r['event_id']),
      eventPosition: num(r['event_position']),
      status: r['status'] as WebhookDeliveryStatus,
      attempts: byDelivery.get(String(r['id'])) ?? [],
      nextAttemptAt: r['status'] === 'pending' && r['next_attempt_at'] !== null ? new Date(num(r['next_attempt_at'])).toISOString() : null,
      createdAt: String(r['created_at']),
    }));
  }
}
