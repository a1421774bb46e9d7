/** What an append told the coalescer when it started. */
export interface NotifyTicket {
  /** This append sends the wake-up NOTIFY inside its own transaction. */
  readonly carry: boolean;
  readonly startedAt: number;
}

/**
 * Decides which appends carry the cross-process wake-up NOTIFY inside their own transaction, so a
 * wake-up costs no transaction of its own. At most one carrier is in flight per process: NOTIFY
 * takes a cluster-wide lock held through commit, so notifying every commit would serialise them all.
 *
 * A commit that carried none is covered by the next carrier that *started* after it finished (its
 * commit, hence its notification, comes later). When no append comes along to carry one within
 * `graceMs`, `sendStandalone` sends it on its own: a quiet store pays one extra transaction per
 * burst, a busy one almost never.
 */
export class NotifyCoalescer {
  private clock = 0;
  private carrierInFlight = false;
  /** When the latest commit that no carrier covers yet finished; null when all are covered. */
  private uncoveredAt: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private standalone: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly sendStandalone: () => Promise<void>,
    private readonly graceMs = 1,
  ) {}

  begin(): NotifyTicket {
    this.clock += 1;
    const carry = !this.carrierInFlight && !this.closed;
    if (carry) this.carrierInFlight = true;
    return { carry, startedAt: this.clock };
  }

  /** After the append's transaction ended; `committed` false when it failed (its NOTIFY, if any, was never sent). */
  end(ticket: NotifyTicket, committed: boolean): void {
    this.clock += 1;
    if (ticket.carry) {
      this.carrierInFlight = false;
      if (committed && this.uncoveredAt !== null && ticket.startedAt > this.uncoveredAt) this.uncoveredAt = null;
    } else if (committed) {
      this.uncoveredAt = this.clock;
    }
    this.scheduleCover();
  }

  /** A commit made outside the store's own appends (a caller-owned transaction). */
  committedElsewhere(): void {
    this.end({ carry: false, startedAt: this.clock }, true);
  }

  get pending(): boolean {
    return this.uncoveredAt !== null;
  }

  /** A wake-up still owed goes out now: a process that appends and exits must not leave others to poll. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.standalone;
    if (this.uncoveredAt === null) return;
    this.uncoveredAt = null;
    await this.sendStandalone().catch(() => undefined);
  }

  private scheduleCover(): void {
    if (this.uncoveredAt === null || this.carrierInFlight || this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.uncoveredAt === null || this.carrierInFlight || this.closed) return;
      const ticket = this.begin();
      // A failed wake-up is not retried: subscribers poll as a fallback.
      this.standalone = this.sendStandalone()
        .catch(() => undefined)
        .finally(() => {
          this.standalone = null;
          this.end(ticket, true);
        });
    }, this.graceMs);
    this.timer.unref();
  }
}
