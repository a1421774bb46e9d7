/**
 * Experiments behind the optimisation notes of docs/benchmarks/event-store.md: the PostgreSQL write
 * rows of the event-store benchmark, run against variants of `es_append` that replace the shipped
 * function in a scratch database only (the library and its migrations are untouched).
 *
 *   node tools/bench/run.mjs event-store/append-variants [--quick] [--json] [--variants=a,b] [--rows=...] [--growth] [--skip-baseline]
 *
 * "shipped" here is es_append as it was before the optimisations it led to (IN-subquery lookup, one
 * INSERT per event); the migration now ships the "probe+set-insert" form. Kept as the reference the
 * variants are compared with.
 *
 * --skip-baseline leaves out the bare-table rows (e.g. to profile one variant alone).
 * --growth also appends 100k events in batches of 100 through one connection and prints the rate per
 * 10k, which shows whether an append's cost grows with the table.
 */
import { normalizeAppend, requiredVersion, type AppendResult, type EventStore } from '@camel/event-store';
import { formatInt, formatTable, log, parseFlags, type BenchContext, type Timing } from '../harness';
import { benchEvent } from './payload';
import { FULL, QUICK, ROWS, type Sizes } from './rows';
import { PostgresEnvironment, type Target } from './targets';

/** The shipped function with its idempotency lookup made an index probe per id whatever the plan cache holds. */
const PROBE_LOOKUP = `
  SELECT count(*), count(*) FILTER (WHERE e.stream_id = p_stream_id)
    INTO v_existing, v_same_stream
    FROM jsonb_array_elements(p_events) x
    CROSS JOIN LATERAL (SELECT e.stream_id FROM events e WHERE e.event_id = (x->>'id')::uuid LIMIT 1) e;`;

const SHIPPED_LOOKUP = `
  SELECT count(*), count(*) FILTER (WHERE e.stream_id = p_stream_id)
    INTO v_existing, v_same_stream
    FROM events e
   WHERE e.event_id IN (SELECT (x->>'id')::uuid FROM jsonb_array_elements(p_events) x);`;

const ROW_LOOP_INSERT = `
  FOR i IN 0 .. v_count - 1 LOOP
    v_event := p_events -> i;
    v_hash := encode(sha256(convert_to(concat_ws(E'\\n',
      v_hash, p_stream_id, p_stream_type, (v_current + i + 1)::text, v_event->>'id', v_event->>'type',
      v_event->>'schemaVersion', (v_event->'data')::text, (v_event->'metadata')::text), 'UTF8')), 'hex');
    INSERT INTO events (position, stream_id, stream_type, stream_version, event_id, event_type,
                        schema_version, data, metadata, hash)
    VALUES (v_base + i, p_stream_id, p_stream_type, v_current + i + 1, (v_event->>'id')::uuid,
            v_event->>'type', (v_event->>'schemaVersion')::integer, v_event->'data', v_event->'metadata', v_hash);
  END LOOP;`;

/** Hash chain in the loop, then one INSERT for the whole batch. */
const SET_INSERT = `
  FOR i IN 0 .. v_count - 1 LOOP
    v_event := p_events -> i;
    v_hash := encode(sha256(convert_to(concat_ws(E'\\n',
      v_hash, p_stream_id, p_stream_type, (v_current + i + 1)::text, v_event->>'id', v_event->>'type',
      v_event->>'schemaVersion', (v_event->'data')::text, (v_event->'metadata')::text), 'UTF8')), 'hex');
    v_hashes[i + 1] := v_hash;
  END LOOP;
  INSERT INTO events (position, stream_id, stream_type, stream_version, event_id, event_type,
                      schema_version, data, metadata, hash)
  SELECT v_base + x.n - 1, p_stream_id, p_stream_type, v_current + x.n::integer, (x.e->>'id')::uuid,
         x.e->>'type', (x.e->>'schemaVersion')::integer, x.e->'data', x.e->'metadata', v_hashes[x.n]
    FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(e, n);`;

/**
 * es_append as shipped in migration 1 (postgres/migrations.ts), with its lookup and insert parts
 * swappable. It replaces migration 2's function (same arguments; p_notify is ignored: these variants
 * predate the wake-up inside the append, so through store.append they send none).
 */
const appendFunction = (lookup: string, insert: string): string => `
CREATE OR REPLACE FUNCTION es_append(p_stream_id text, p_stream_type text, p_expected integer, p_events jsonb,
                                     p_notify boolean DEFAULT false)
RETURNS TABLE (out_position bigint, out_version integer, out_duplicate boolean)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_count integer := jsonb_array_length(p_events);
  v_existing integer;
  v_same_stream integer;
  v_current integer;
  v_hash text;
  v_hashes text[];
  v_seq integer;
  v_base bigint;
  v_event jsonb;
  i integer;
BEGIN
  ${lookup}
  IF v_existing > 0 THEN
    IF v_existing <> v_count OR v_same_stream <> v_count THEN
      RAISE EXCEPTION 'append partially repeats earlier event ids' USING ERRCODE = 'CE422';
    END IF;
    RETURN QUERY
      SELECT e.position, e.stream_version, true
        FROM events e
       WHERE e.event_id IN (SELECT (x->>'id')::uuid FROM jsonb_array_elements(p_events) x)
       ORDER BY e.position;
    RETURN;
  END IF;

  SELECT e.stream_version, e.hash INTO v_current, v_hash
    FROM events e WHERE e.stream_id = p_stream_id
   ORDER BY e.stream_version DESC LIMIT 1;
  IF NOT FOUND THEN
    v_current := 0;
    v_hash := '';
  END IF;
  IF p_expected >= 0 AND v_current <> p_expected THEN
    RAISE EXCEPTION 'stream %: expected version %, actual %', p_stream_id, p_expected, v_current
      USING ERRCODE = 'CE409', DETAIL = v_current::text;
  END IF;

  v_seq := coalesce(nullif(current_setting('camel.event_seq', true), '')::integer, 0);
  IF v_seq + v_count > 4096 THEN
    RAISE EXCEPTION 'at most 4096 events per transaction' USING ERRCODE = 'CE413';
  END IF;
  v_base := pg_current_xact_id()::text::bigint * 4096 + v_seq;
  PERFORM set_config('camel.event_seq', (v_seq + v_count)::text, true);
  ${insert}

  RETURN QUERY SELECT v_base + g, v_current + g + 1, false FROM generate_series(0, v_count - 1) g;
END
$fn$;`;

interface Variant {
  readonly key: string;
  readonly description: string;
  /** Applied after the store's migrations, in the scratch database only. */
  readonly sql?: string;
  /** Call es_append directly instead of store.append (no pg_notify after each append). */
  readonly direct?: boolean;
}

const VARIANTS: readonly Variant[] = [
  { key: 'shipped', description: 'es_append as shipped, through store.append' },
  { key: 'shipped-direct', description: 'as shipped, es_append called directly (no pg_notify per append)', direct: true },
  {
    key: 'custom-plan',
    description: 'as shipped + ALTER FUNCTION ... SET plan_cache_mode = force_custom_plan',
    sql: 'ALTER FUNCTION es_append(text, text, integer, jsonb, boolean) SET plan_cache_mode = force_custom_plan',
  },
  {
    key: 'probe',
    description: 'idempotency lookup as one index probe per id (LATERAL ... LIMIT 1)',
    sql: appendFunction(PROBE_LOOKUP, ROW_LOOP_INSERT),
  },
  {
    key: 'set-insert',
    description: 'shipped lookup + hashes in the loop, one INSERT ... SELECT for the batch',
    sql: appendFunction(SHIPPED_LOOKUP, SET_INSERT),
  },
  {
    key: 'probe+set-insert',
    description: 'probe + hashes in the loop, one INSERT ... SELECT for the batch',
    sql: appendFunction(PROBE_LOOKUP, SET_INSERT),
  },
  {
    key: 'probe+set-insert-direct',
    description: 'probe + set insert, called directly (no pg_notify per append)',
    sql: appendFunction(PROBE_LOOKUP, SET_INSERT),
    direct: true,
  },
  {
    key: 'no-lookup+set-insert',
    description: 'upper bound: no idempotency lookup at all (not a valid implementation)',
    sql: appendFunction('v_existing := 0;', SET_INSERT),
  },
];

/** A store whose append calls es_append itself: what store.append costs without its wake-up NOTIFY. */
function directStore(store: EventStore): EventStore {
  const direct = Object.create(store) as EventStore & { append: EventStore['append'] };
  direct.append = async (streamId, events, options): Promise<AppendResult> => {
    const input = normalizeAppend(streamId, events, options);
    const params = [input.streamId, input.streamType, requiredVersion(input.expectedVersion) ?? -1, JSON.stringify(input.events)];
    let rows: { out_position: number; out_version: number; out_duplicate: boolean }[];
    for (let attempt = 1; ; attempt += 1) {
      try {
        rows = await store.db.query('SELECT out_position, out_version, out_duplicate FROM es_append($1, $2, $3, $4)', params);
        break;
      } catch (error) {
        // Like the adapter: with 'any', a concurrent append to the same stream just means try again.
        const pg = error as { code?: string; constraint?: string };
        const retry = pg.code === '23505' && pg.constraint === 'events_stream_version_key' && input.expectedVersion === 'any';
        if (!retry || attempt >= 10) throw error;
      }
    }
    const positions = rows.map((r) => r.out_position);
    return {
      positions,
      lastPosition: positions[positions.length - 1],
      nextExpectedVersion: rows[rows.length - 1].out_version,
      duplicate: rows[0].out_duplicate,
    };
  };
  return direct;
}

function withVariant(target: Target, variant: Variant): Target {
  return {
    ...target,
    openStore: async () => {
      const store = await target.openStore();
      if (variant.sql) await store.db.exec(variant.sql);
      return variant.direct ? directStore(store) : store;
    },
  };
}

/** Rate per 10k events while one connection appends `total` events in batches of 100 to a fresh table. */
async function growth(environment: PostgresEnvironment, variant: Variant, total: number): Promise<number[]> {
  const target = withVariant(await environment.fresh(), variant);
  try {
    const store = await target.openStore();
    const rates: number[] = [];
    let start = performance.now();
    for (let n = 0; n < total; n += 100) {
      await store.append(`task-${(n / 100) % 1000}`, Array.from({ length: 100 }, (_, i) => benchEvent(n + i)), {
        expectedVersion: 'any',
      });
      if ((n + 100) % 10_000 === 0) {
        const now = performance.now();
        rates.push(10_000 / ((now - start) / 1000));
        start = now;
      }
    }
    return rates;
  } finally {
    await target.dispose();
  }
}

export async function run(context: BenchContext): Promise<void> {
  const flags = parseFlags(context.args);
  const sizes: Sizes = flags.quick ? QUICK : FULL;
  const variantKeys = flags.values.get('variants')?.split(',') ?? VARIANTS.map((v) => v.key);
  const variants = VARIANTS.filter((v) => variantKeys.includes(v.key));
  const rowKeys = flags.values.get('rows')?.split(',') ?? ['sequential', 'concurrent', 'batch'];
  const rows = ROWS.filter((r) => rowKeys.includes(r.key));

  const environment = await PostgresEnvironment.start(context);
  const results: { variant: string; row: string; timing: Timing }[] = [];
  const growthRates: Record<string, number[]> = {};
  let settings: Record<string, string> = {};
  try {
    settings = await environment.describe();
    for (const row of rows) {
      if (!flags.values.has('skip-baseline')) {
        const target = await environment.fresh();
        try {
          const timing = await row.baseline(target, sizes);
          results.push({ variant: 'bare-table baseline', row: row.key, timing });
          log(`  baseline ${row.key}: ${formatInt(timing.perSecond)}/s`);
        } finally {
          await target.dispose();
        }
      }
      for (const variant of variants) {
        const target = withVariant(await environment.fresh(), variant);
        try {
          const timing = await row.adapter(target, sizes);
          results.push({ variant: variant.key, row: row.key, timing });
          log(`  ${variant.key} ${row.key}: ${formatInt(timing.perSecond)}/s`);
        } finally {
          await target.dispose();
        }
      }
    }
    if (flags.values.has('growth')) {
      for (const variant of variants.filter((v) => !v.direct)) {
        growthRates[variant.key] = await growth(environment, variant, flags.quick ? 30_000 : 100_000);
        log(`  growth ${variant.key}: ${growthRates[variant.key].map(formatInt).join(' ')}`);
      }
    }
  } finally {
    await environment.close();
  }

  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ settings, sizes, variants, results, growth: growthRates }, null, 2)}\n`);
    return;
  }
  const names = ['bare-table baseline', ...variants.map((v) => v.key)];
  const table = formatTable(
    ['variant', ...rows.map((r) => `${r.key} events/s`)],
    names.map((name) => [
      name,
      ...rows.map((r) => {
        const found = results.find((x) => x.variant === name && x.row === r.key);
        return found ? formatInt(found.timing.perSecond) : '-';
      }),
    ]),
    rows.map((_, i) => i + 1),
  );
  const lines = [
    `es_append variants (PostgreSQL ${settings.server_version}, fsync=${settings.fsync})`,
    '',
    table,
    '',
    ...variants.map((v) => `${v.key}: ${v.description}`),
  ];
  for (const [key, rates] of Object.entries(growthRates)) {
    lines.push('', `growth ${key} (events/s per 10k, batches of 100, fresh table): ${rates.map(formatInt).join(' ')}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
