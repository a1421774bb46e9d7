/**
 * One clock for every process of the benchmark: `process.hrtime` reads CLOCK_MONOTONIC, which on
 * Linux is the same system-wide counter in every process and thread (nanosecond resolution, never
 * adjusted by NTP steps). A commit time taken in the writer and a receive time taken in a client
 * process can therefore be subtracted directly. Milliseconds as a double, microsecond precision.
 */
export const nowMs = (): number => Number(process.hrtime.bigint() / 1000n) / 1000;
