import type { Queryable } from './connection.js';

/** A column written through `unnest`: its name and PostgreSQL type. */
export type ColumnSpec = readonly [name: string, type: string];

/**
 * `INSERT INTO table (columns) SELECT * FROM unnest($1::type[], …)`: any number of rows in one
 * statement with one parameter per column (no parameter limit, one plan), the PostgreSQL way of a
 * multi-row insert. `suffix` adds ON CONFLICT / RETURNING clauses.
 */
export async function insertRows<Row extends Record<string, unknown>, Result extends object = object>(
  db: Queryable,
  table: string,
  columns: readonly ColumnSpec[],
  rows: readonly Row[],
  suffix = '',
): Promise<{ rowCount: number; rows: Result[] }> {
  if (rows.length === 0) return { rowCount: 0, rows: [] };
  const values = columns.map(([name]) => rows.map((row) => row[name] ?? null));
  const list = columns.map(([name]) => name).join(', ');
  const arrays = columns.map(([, type], at) => `$${at + 1}::${type}[]`).join(', ');
  const result = await db.query<Result & Record<string, unknown>>(
    `INSERT INTO ${table} (${list}) SELECT * FROM unnest(${arrays}) ${suffix}`,
    values,
  );
  return { rowCount: result.rowCount ?? 0, rows: result.rows };
}

/** `WHERE a = $1 AND b = $2 …` from the conditions whose value is defined; params numbered from `first`. */
export function whereClause(
  conditions: readonly (readonly [clause: string, value: string | number | undefined])[],
  first = 1,
): { where: string; params: (string | number)[] } {
  const used = conditions.filter(
    (condition): condition is readonly [string, string | number] => condition[1] !== undefined,
  );
  const clauses = used.map(([clause], at) => clause.replace('?', `$${first + at}`));
  return {
    where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '',
    params: used.map(([, value]) => value),
  };
}
