/**
 * The designer's catalog: every procedure with its versions, how many cases run on each (and how many ran), its
 * lock status (procedures.lock.json), the static check results and the committed histories its replay check runs.
 */
import { readdirSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/connection';
import { CATALOG, getProcedure, type Catalog } from '../../procedures/catalog';
import type { ProcedureDefinition } from '../../procedures/types';
import { checkCatalog } from '../../designer/commands';
import type { Problem } from '../../designer/checks';
import { fingerprint } from '../../designer/fingerprint';
import { readLock } from '../../designer/lock';

export type LockStatus = 'locked' | 'notLocked' | 'changedWithoutVersionBump';

export interface VersionSummary {
  version: number;
  status: 'active' | 'draft';
  lock: LockStatus;
  /** Open cases (awaiting data or in progress) on this version, and every case ever received on it. */
  runningCases: number;
  totalCases: number;
  /** Committed histories of this version (test/fixtures/histories/<id>-v<version>-…) that the replay check runs. */
  replayFixtures: number;
}

export interface ProcedureSummary {
  id: string;
  title: string;
  agencies: string[];
  versions: VersionSummary[];
}

export interface DesignerPaths {
  lockFile: string;
  historiesDir: string;
}

const OPEN = ['awaiting_data', 'in_progress'];

/** Case counts per procedure version from the read model. */
export async function caseCountsByVersion(db: Executor): Promise<Map<string, { running: number; total: number }>> {
  const result: any = await db.execute(sql`
    select procedure_id, procedure_version,
      count(*) filter (where status in (${sql.join(OPEN.map((s) => sql`${s}`), sql`, `)}))::int as running,
      count(*)::int as total
    from case_views group by 1, 2`);
  const rows: any[] = Array.isArray(result) ? result : result.rows;
  return new Map(rows.map((r) => [`${r.procedure_id}@${r.procedure_version}`, { running: Number(r.running), total: Number(r.total) }]));
}

function fixtureCounts(dir: string): Map<string, number> {
  const counts = new Map<string, number>();
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return counts;
  }
  for (const f of files) {
    const m = /^(.+)-v(\d+)-/.exec(f);
    if (m) counts.set(`${m[1]}@${m[2]}`, (counts.get(`${m[1]}@${m[2]}`) ?? 0) + 1);
  }
  return counts;
}

export function lockStatusOf(def: ProcedureDefinition, lockFile: string): LockStatus {
  const locked = readLock(lockFile).procedures[def.id]?.[String(def.version)];
  if (!locked) return 'notLocked';
  return locked.fingerprint === fingerprint(def) ? 'locked' : 'changedWithoutVersionBump';
}

export async function designerCatalog(db: Executor, paths: DesignerPaths, catalog: Catalog = CATALOG): Promise<ProcedureSummary[]> {
  const counts = await caseCountsByVersion(db);
  const fixtures = fixtureCounts(paths.historiesDir);
  const out: ProcedureSummary[] = [];
  for (const [id, versions] of [...catalog.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const defs = [...versions.values()].sort((a, b) => a.version - b.version);
    const newest = defs[defs.length - 1];
    out.push({
      id,
      title: newest.title,
      agencies: [...newest.agencies],
      versions: defs.map((def) => {
        const key = `${id}@${def.version}`;
        return {
          version: def.version,
          status: def.status ?? 'active',
          lock: lockStatusOf(def, paths.lockFile),
          runningCases: counts.get(key)?.running ?? 0,
          totalCases: counts.get(key)?.total ?? 0,
          replayFixtures: fixtures.get(key) ?? 0,
        };
      }),
    });
  }
  return out;
}

/** The static check results of one procedure (every version), errors first: `npm run procedures -- check <id>`. */
export async function procedureChecks(id: string, paths: DesignerPaths, catalog: Catalog = CATALOG): Promise<Problem[]> {
  getProcedure(id, undefined, catalog); // unknown id → UnknownProcedureError
  const problems = await checkCatalog(catalog, paths.lockFile, id);
  return problems.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}
