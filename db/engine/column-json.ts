/**
 * A row as the database functions read it (`jsonb_populate_record`): keyed by column name, every column present
 * (null when unset), so a function can `insert … select *` the table's own row type.
 */
import { getTableColumns, type Table } from 'drizzle-orm';

const namesOf = new WeakMap<Table, [string, string][]>();

export function rowByColumnName(table: Table, row: Record<string, unknown>): Record<string, unknown> {
  let names = namesOf.get(table);
  if (!names) {
    names = Object.entries(getTableColumns(table)).map(([key, column]) => [key, column.name]);
    namesOf.set(table, names);
  }
  const out: Record<string, unknown> = {};
  for (const [key, name] of names) out[name] = row[key] ?? null;
  return out;
}
