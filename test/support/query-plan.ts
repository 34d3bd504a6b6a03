/** The planner's plan of a query, as EXPLAIN prints it (one string, a line per node): plan tests assert on it. */
import { sql, type SQLWrapper } from 'drizzle-orm';
import { rowsOf, type Executor } from '../../db/connection';

export async function planOf(db: Executor, query: SQLWrapper): Promise<string> {
  const rows = rowsOf(await db.execute(sql`explain ${query}`));
  return rows.map((r) => String(Object.values(r)[0])).join('\n');
}
