import type { DataSource, EntityManager, ObjectLiteral, QueryBuilder } from 'typeorm';

/** A named parameter inside a compiled statement: `param('status')` as an insert value or in `set`. */
export type ParamRef = () => string;

interface Compiled {
  readonly sql: string;
  /** For each positional parameter of `sql`: the name whose value goes there, or a constant of the builder. */
  readonly order: readonly ({ readonly name: string } | { readonly constant: unknown })[];
}

/**
 * A write statement a projection repeats for every event, built once from the entity's query
 * builder and afterwards run with new values. TypeORM builds each statement anew (metadata lookups,
 * alias and parameter rewriting): on SQLite, where a small statement runs in tens of microseconds,
 * that building was most of a rebuild's time (docs/benchmarks/read-models.md). The statement keeps
 * the entity's table and column names (renaming a column still renames it here) and runs on the
 * manager's connection — in a projection, the projector's transaction.
 *
 *   const bump = compiledStatement(['streamId', 'position'], (m, p) =>
 *     m.createQueryBuilder().insert().into(StreamCount).values({ streamId: p('streamId'), events: 1, lastPosition: p('position') })
 *       .onConflict('(stream_id) DO UPDATE SET events = counts.events + 1'));
 *   await bump(manager, { streamId, position });
 *
 * Values bypass TypeORM's column transformers: pass what the column stores (`JSON.stringify` for a
 * json column on SQLite, numbers or strings for dates as the entity maps them). Placeholders in
 * `where` strings are written `:name` with the same names.
 */
export function compiledStatement<Name extends string>(
  names: readonly Name[],
  build: (manager: EntityManager, param: (name: Name) => ParamRef) => QueryBuilder<ObjectLiteral>,
): (manager: EntityManager, values: Readonly<Record<Name, unknown>>) => Promise<void> {
  const cache = new WeakMap<DataSource, Compiled>();
  const compile = (manager: EntityManager): Compiled => {
    const marks = new Map<object, Name>(names.map((name) => [{ name }, name]));
    const builder = build(manager, (name) => () => `:${name}`);
    builder.setParameters(Object.fromEntries([...marks].map(([mark, name]) => [name, mark])));
    const [sql, parameters] = builder.getQueryAndParameters();
    const order = parameters.map((value: unknown) => {
      const name = typeof value === 'object' && value !== null ? marks.get(value) : undefined;
      return name === undefined ? { constant: value } : { name };
    });
    return { sql, order };
  };
  return async (manager, values) => {
    let compiled = cache.get(manager.connection);
    if (!compiled) {
      compiled = compile(manager);
      cache.set(manager.connection, compiled);
    }
    await manager.query(compiled.sql, compiled.order.map((slot) => ('name' in slot ? (values[slot.name as Name] ?? null) : slot.constant)));
  };
}
