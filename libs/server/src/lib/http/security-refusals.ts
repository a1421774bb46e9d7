/**
 * Counts of the security log's lines (issue 12, item 7): requests refused with 401, 403 or 429, by
 * status and error code (a failed sign-in is `401 auth.invalid-credentials`, a throttled one `429`).
 * In-process counters since the process started, read as Prometheus text by `GET /api/metrics/security`
 * so a brute force shows as a rising rate. Labels are the status and the error code only: both come
 * from a fixed set, so the series stay few whatever the traffic (paths, addresses and request ids stay
 * in the log lines).
 */
export class SecurityRefusals {
  private readonly counts = new Map<string, { status: number; code: string; count: number }>();

  constructor(readonly since: Date = new Date()) {}

  record(status: number, code: string): void {
    const key = `${status} ${code}`;
    const entry = this.counts.get(key);
    if (entry) entry.count += 1;
    else this.counts.set(key, { status, code, count: 1 });
  }

  /** Every series, by status then code. */
  snapshot(): { status: number; code: string; count: number }[] {
    return [...this.counts.values()].map((entry) => ({ ...entry })).sort((a, b) => a.status - b.status || a.code.localeCompare(b.code));
  }

  /** Prometheus text exposition format 0.0.4. */
  toPrometheus(): string {
    const label = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
    return [
      '# HELP camel_security_refusals_total Requests refused with 401, 403 or 429 (one security log line each), by status and error code.',
      '# TYPE camel_security_refusals_total counter',
      ...this.snapshot().map((entry) => `camel_security_refusals_total{status="${entry.status}",code="${label(entry.code)}"} ${entry.count}`),
      '# HELP camel_security_refusals_since_seconds When these counters started (process start), as a Unix time.',
      '# TYPE camel_security_refusals_since_seconds gauge',
      `camel_security_refusals_since_seconds ${Math.floor(this.since.getTime() / 1000)}`,
      '',
    ].join('\n');
  }
}
