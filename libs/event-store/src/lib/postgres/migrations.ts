import type { Migration } from '../sql/migrator';

/**
 * Global positions are derived from the appending transaction's id:
 *   position = (xid + xid_offset) * 4096 + n   (n = the event's index among the transaction's appends)
 * so the order of positions is the order of transaction ids. Readers only read below
 * (pg_snapshot_xmin(pg_current_snapshot()) + xid_offset) * 4096, i.e. events of transactions that can
 * no longer commit or roll back: a transaction holding a lower id may be open for minutes, a reader
 * will wait, never skip past it. A sequence would not give this: nextval order is not commit order.
 * xid8 never wraps; 2^53 / 4096 leaves room for 2^41 transactions.
 *
 * `xid_offset` (migration 2, table es_position_clock) is what makes positions survive a logical
 * backup: a restored database in another cluster starts from a lower transaction id, so
 * es_rebase_positions() (run by migrate) moves the offset until every transaction that may still
 * append maps above the restored head.
 *
 * The hash chain formula must match hash.ts (computeEventHash).
 */
export const POSTGRES_EVENT_STORE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'events table, append-only trigger, append function',
    sql: `
CREATE TABLE events (
  position bigint PRIMARY KEY,
  stream_id text NOT NULL,
  stream_type text NOT NULL,
  stream_version integer NOT NULL,
  event_id uuid NOT NULL,
  event_type text NOT NULL,
  schema_version integer NOT NULL,
  data jsonb NOT NULL,
  metadata jsonb NOT NULL,
  hash text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT events_event_id_key UNIQUE (event_id),
  CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version)
);

CREATE FUNCTION es_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'events are append-only: % refused', TG_OP USING ERRCODE = 'CE405';
END
$fn$;

CREATE TRIGGER events_append_only
  BEFORE UPDATE OR DELETE OR TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION es_refuse_change();

-- One round trip per append: idempotency check, version check, hash chain, insert.
-- p_expected: -1 = any, otherwise the exact current version (0 = no stream).
CREATE FUNCTION es_append(p_stream_id text, p_stream_type text, p_expected integer, p_events jsonb)
RETURNS TABLE (out_position bigint, out_version integer, out_duplicate boolean)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_count integer := jsonb_array_length(p_events);
  v_existing integer;
  v_same_stream integer;
  v_current integer;
  v_hash text;
  v_seq integer;
  v_base bigint;
  v_event jsonb;
  v_hashes text[] := ARRAY[]::text[];
  i integer;
BEGIN
  -- One index probe per id. (An IN (subquery) gets a cached generic plan that, chosen while the
  -- table was small, seq-scans the whole log on every append as it grows.)
  SELECT count(*), count(*) FILTER (WHERE e.stream_id = p_stream_id)
    INTO v_existing, v_same_stream
    FROM jsonb_array_elements(p_events) x
   CROSS JOIN LATERAL (SELECT ev.stream_id FROM events ev WHERE ev.event_id = (x->>'id')::uuid LIMIT 1) e;
  IF v_existing > 0 THEN
    IF v_existing <> v_count OR v_same_stream <> v_count THEN
      RAISE EXCEPTION 'append partially repeats earlier event ids' USING ERRCODE = 'CE422';
    END IF;
    RETURN QUERY
      SELECT e.position, e.stream_version, true
        FROM jsonb_array_elements(p_events) x
        JOIN LATERAL (SELECT ev.position, ev.stream_version FROM events ev
                       WHERE ev.event_id = (x->>'id')::uuid) e ON true
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

  -- The chain is sequential, so hashes are computed in a loop; the rows go in with one INSERT.
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
    FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(e, n);

  RETURN QUERY SELECT v_base + g, v_current + g + 1, false FROM generate_series(0, v_count - 1) g;
END
$fn$;
`,
  },
  {
    version: 2,
    name: 'position clock that survives backup and restore, per-stream append lock, wake-up inside the append',
    sql: `
CREATE TABLE es_position_clock (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  xid_offset bigint NOT NULL
);
INSERT INTO es_position_clock (singleton, xid_offset) VALUES (true, 0);

-- The lowest position a transaction starting now could still write, minus one: readers stop below it.
CREATE FUNCTION es_final_bound() RETURNS bigint LANGUAGE sql STABLE AS $fn$
  SELECT (pg_snapshot_xmin(pg_current_snapshot())::text::bigint + c.xid_offset) * 4096 FROM es_position_clock c
$fn$;

-- After a restore into another cluster (or any move that resets the transaction counter) new
-- transactions would map below the restored head. Moves the offset so that every transaction that
-- may still append maps above it; returns how far it moved (0: nothing to do).
CREATE FUNCTION es_rebase_positions() RETURNS bigint LANGUAGE plpgsql AS $fn$
DECLARE
  v_offset bigint;
  v_head bigint;
  v_floor bigint;
  v_next bigint;
  v_new bigint;
BEGIN
  -- Waits for appending transactions (they hold ROW EXCLUSIVE) and holds new ones until commit.
  LOCK TABLE events IN EXCLUSIVE MODE;
  SELECT xid_offset INTO v_offset FROM es_position_clock FOR UPDATE;
  SELECT coalesce(max(position), -1) INTO v_head FROM events;
  v_floor := pg_snapshot_xmin(pg_current_snapshot())::text::bigint;
  v_next := pg_snapshot_xmax(pg_current_snapshot())::text::bigint;
  IF (v_next + v_offset) * 4096 > v_head THEN
    RETURN 0;
  END IF;
  v_new := v_head / 4096 + 1 - v_floor;
  UPDATE es_position_clock SET xid_offset = v_new;
  RETURN v_new - v_offset;
END
$fn$;

DROP FUNCTION es_append(text, text, integer, jsonb);

-- As version 1, plus: appends to one stream queue on a transaction-scoped advisory lock, so a check
-- made after it sees every earlier append of the stream committed ('any' never loses a race, a
-- repeated event id is found instead of colliding); positions use the clock's offset; p_notify sends
-- the wake-up NOTIFY with this commit (NOTIFY is transactional: an append that fails sends none)
-- instead of in a transaction of its own. Four statements per append, one fewer than version 1.
CREATE FUNCTION es_append(p_stream_id text, p_stream_type text, p_expected integer, p_events jsonb, p_notify boolean)
RETURNS TABLE (out_position bigint, out_version integer, out_duplicate boolean)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_count integer := jsonb_array_length(p_events);
  v_existing integer;
  v_same_stream integer;
  v_current integer;
  v_hash text;
  v_seq integer;
  v_event jsonb;
  v_hashes text[] := ARRAY[]::text[];
  i integer;
BEGIN
  v_seq := coalesce(nullif(current_setting('camel.event_seq', true), '')::integer, 0);
  IF v_seq + v_count > 4096 THEN
    RAISE EXCEPTION 'at most 4096 events per transaction' USING ERRCODE = 'CE413';
  END IF;
  PERFORM pg_advisory_xact_lock(1667329381, hashtext(p_stream_id)),
          set_config('camel.event_seq', (v_seq + v_count)::text, true)
     FROM (SELECT CASE WHEN p_notify THEN pg_notify('camel_events', '') END) n;

  -- One index probe per id (see version 1).
  SELECT count(*), count(*) FILTER (WHERE e.stream_id = p_stream_id)
    INTO v_existing, v_same_stream
    FROM jsonb_array_elements(p_events) x
   CROSS JOIN LATERAL (SELECT ev.stream_id FROM events ev WHERE ev.event_id = (x->>'id')::uuid LIMIT 1) e;
  IF v_existing > 0 THEN
    IF v_existing <> v_count OR v_same_stream <> v_count THEN
      RAISE EXCEPTION 'append partially repeats earlier event ids' USING ERRCODE = 'CE422';
    END IF;
    RETURN QUERY
      SELECT e.position, e.stream_version, true
        FROM jsonb_array_elements(p_events) x
        JOIN LATERAL (SELECT ev.position, ev.stream_version FROM events ev
                       WHERE ev.event_id = (x->>'id')::uuid) e ON true
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

  FOR i IN 0 .. v_count - 1 LOOP
    v_event := p_events -> i;
    v_hash := encode(sha256(convert_to(concat_ws(E'\\n',
      v_hash, p_stream_id, p_stream_type, (v_current + i + 1)::text, v_event->>'id', v_event->>'type',
      v_event->>'schemaVersion', (v_event->'data')::text, (v_event->'metadata')::text), 'UTF8')), 'hex');
    v_hashes[i + 1] := v_hash;
  END LOOP;

  -- The INSERT reads the clock itself: it takes its ROW EXCLUSIVE lock before its snapshot, so a
  -- running es_rebase_positions (EXCLUSIVE) is waited for and its new offset seen.
  -- Every event the statement sees was written by a transaction that completed before its snapshot
  -- (xid below the snapshot's xmax) or by this one, so a head at or above both positions means the
  -- events came from another cluster (a restore) and the clock was not moved since: nothing is
  -- inserted, and the append is refused rather than written below the head.
  RETURN QUERY
  INSERT INTO events (position, stream_id, stream_type, stream_version, event_id, event_type,
                      schema_version, data, metadata, hash)
  SELECT (pg_current_xact_id()::text::bigint + c.xid_offset) * 4096 + v_seq + x.n - 1, p_stream_id, p_stream_type,
         v_current + x.n::integer, (x.e->>'id')::uuid, x.e->>'type', (x.e->>'schemaVersion')::integer,
         x.e->'data', x.e->'metadata', v_hashes[x.n]
    FROM es_position_clock c, jsonb_array_elements(p_events) WITH ORDINALITY AS x(e, n)
   WHERE coalesce((SELECT max(ev.position) FROM events ev), -1)
         < (greatest(pg_snapshot_xmax(pg_current_snapshot())::text::bigint, pg_current_xact_id()::text::bigint + 1)
            + c.xid_offset) * 4096
   ORDER BY x.n
  RETURNING position, stream_version, false;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'the position clock is behind the log: run es_rebase_positions()' USING ERRCODE = 'CE410';
  END IF;
END
$fn$;
`,
  },
  {
    version: 3,
    name: 'keyed event hashes',
    // The keyed hash ('m1:<key id>:<hex HMAC>') is computed by the api with LOG_SIGNING_KEY, which
    // never reaches the database; es_append stores what it is given (NULL without a key). Same
    // signature and body as version 2 but for the mac column.
    sql: `
ALTER TABLE events ADD COLUMN mac text;

CREATE OR REPLACE FUNCTION es_append(p_stream_id text, p_stream_type text, p_expected integer, p_events jsonb, p_notify boolean)
RETURNS TABLE (out_position bigint, out_version integer, out_duplicate boolean)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_count integer := jsonb_array_length(p_events);
  v_existing integer;
  v_same_stream integer;
  v_current integer;
  v_hash text;
  v_seq integer;
  v_event jsonb;
  v_hashes text[] := ARRAY[]::text[];
  i integer;
BEGIN
  v_seq := coalesce(nullif(current_setting('camel.event_seq', true), '')::integer, 0);
  IF v_seq + v_count > 4096 THEN
    RAISE EXCEPTION 'at most 4096 events per transaction' USING ERRCODE = 'CE413';
  END IF;
  PERFORM pg_advisory_xact_lock(1667329381, hashtext(p_stream_id)),
          set_config('camel.event_seq', (v_seq + v_count)::text, true)
     FROM (SELECT CASE WHEN p_notify THEN pg_notify('camel_events', '') END) n;

  -- One index probe per id (see version 1).
  SELECT count(*), count(*) FILTER (WHERE e.stream_id = p_stream_id)
    INTO v_existing, v_same_stream
    FROM jsonb_array_elements(p_events) x
   CROSS JOIN LATERAL (SELECT ev.stream_id FROM events ev WHERE ev.event_id = (x->>'id')::uuid LIMIT 1) e;
  IF v_existing > 0 THEN
    IF v_existing <> v_count OR v_same_stream <> v_count THEN
      RAISE EXCEPTION 'append partially repeats earlier event ids' USING ERRCODE = 'CE422';
    END IF;
    RETURN QUERY
      SELECT e.position, e.stream_version, true
        FROM jsonb_array_elements(p_events) x
        JOIN LATERAL (SELECT ev.position, ev.stream_version FROM events ev
                       WHERE ev.event_id = (x->>'id')::uuid) e ON true
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

  FOR i IN 0 .. v_count - 1 LOOP
    v_event := p_events -> i;
    v_hash := encode(sha256(convert_to(concat_ws(E'\\n',
      v_hash, p_stream_id, p_stream_type, (v_current + i + 1)::text, v_event->>'id', v_event->>'type',
      v_event->>'schemaVersion', (v_event->'data')::text, (v_event->'metadata')::text), 'UTF8')), 'hex');
    v_hashes[i + 1] := v_hash;
  END LOOP;

  -- The INSERT reads the clock itself: it takes its ROW EXCLUSIVE lock before its snapshot, so a
  -- running es_rebase_positions (EXCLUSIVE) is waited for and its new offset seen.
  -- Every event the statement sees was written by a transaction that completed before its snapshot
  -- (xid below the snapshot's xmax) or by this one, so a head at or above both positions means the
  -- events came from another cluster (a restore) and the clock was not moved since: nothing is
  -- inserted, and the append is refused rather than written below the head.
  RETURN QUERY
  INSERT INTO events (position, stream_id, stream_type, stream_version, event_id, event_type,
                      schema_version, data, metadata, hash, mac)
  SELECT (pg_current_xact_id()::text::bigint + c.xid_offset) * 4096 + v_seq + x.n - 1, p_stream_id, p_stream_type,
         v_current + x.n::integer, (x.e->>'id')::uuid, x.e->>'type', (x.e->>'schemaVersion')::integer,
         x.e->'data', x.e->'metadata', v_hashes[x.n], x.e->>'mac'
    FROM es_position_clock c, jsonb_array_elements(p_events) WITH ORDINALITY AS x(e, n)
   WHERE coalesce((SELECT max(ev.position) FROM events ev), -1)
         < (greatest(pg_snapshot_xmax(pg_current_snapshot())::text::bigint, pg_current_xact_id()::text::bigint + 1)
            + c.xid_offset) * 4096
   ORDER BY x.n
  RETURNING position, stream_version, false;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'the position clock is behind the log: run es_rebase_positions()' USING ERRCODE = 'CE410';
  END IF;
END
$fn$;
`,
  },
];
