/**
 * procedures.lock.json: the fingerprint of every released procedure version. A version's behaviour is frozen once
 * locked (running cases replay against it), so a changed machine needs a new version number.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import type { Catalog } from '../procedures/catalog';
import type { Problem } from './checks';
import { InvalidLockFileError, LockConflictError } from './errors';
import { fingerprint } from './fingerprint';

export interface LockEntry {
  fingerprint: string;
  status: 'active' | 'draft';
}

export interface LockFile {
  lockfileVersion: 1;
  /** id → version (as a string key) → entry. */
  procedures: Record<string, Record<string, LockEntry>>;
}

export const emptyLock = (): LockFile => ({ lockfileVersion: 1, procedures: {} });

export function readLock(path: string): LockFile {
  if (!existsSync(path)) return emptyLock();
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new InvalidLockFileError(path, (err as Error).message);
  }
  const lock = parsed as LockFile;
  if (lock?.lockfileVersion !== 1 || typeof lock.procedures !== 'object' || lock.procedures === null) {
    throw new InvalidLockFileError(path, 'expected { "lockfileVersion": 1, "procedures": { … } }');
  }
  return lock;
}

export function writeLock(path: string, lock: LockFile): void {
  writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
}

function* versionsOf(catalog: Catalog) {
  for (const [id, versions] of [...catalog.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    for (const [version, def] of [...versions.entries()].sort(([a], [b]) => a - b)) yield { id, version, def };
  }
}

/** Compares the catalog with the lock: a changed fingerprint is an error, an unlocked version a warning. */
export function compareWithLock(catalog: Catalog, lock: LockFile, only?: string): Problem[] {
  const problems: Problem[] = [];
  for (const { id, version, def } of versionsOf(catalog)) {
    if (only && id !== only) continue;
    const locked = lock.procedures[id]?.[String(version)];
    const actual = fingerprint(def);
    if (!locked) {
      problems.push({
        severity: 'warning',
        code: 'NOT_LOCKED',
        procedureId: id,
        version,
        message: `${id} v${version}: not in procedures.lock.json yet (run \`npm run procedures -- lock\` when it is ready to ship)`,
      });
    } else if (locked.fingerprint !== actual) {
      problems.push({
        severity: 'error',
        code: 'CHANGED_WITHOUT_VERSION_BUMP',
        procedureId: id,
        version,
        message: `${id} v${version}: the machine or its declarations changed but the version did not (locked ${locked.fingerprint.slice(0, 19)}…, now ${actual.slice(0, 19)}…): add version ${version + 1} and keep v${version} for running cases`,
      });
    }
  }
  for (const [id, versions] of Object.entries(lock.procedures)) {
    if (only && id !== only) continue;
    for (const v of Object.keys(versions)) {
      if (!catalog.get(id)?.has(Number(v))) {
        problems.push({
          severity: 'warning',
          code: 'LOCKED_VERSION_REMOVED',
          procedureId: id,
          version: Number(v),
          message: `${id} v${v}: locked but no longer in the catalog: cases still running on it cannot continue`,
        });
      }
    }
  }
  return problems;
}

/** The lock with every catalog version recorded; throws LockConflictError if a locked fingerprint would change. */
export function updateLock(catalog: Catalog, lock: LockFile, only?: string): { lock: LockFile; added: string[] } {
  const conflicts: string[] = [];
  const added: string[] = [];
  const next: LockFile = { lockfileVersion: 1, procedures: {} };
  for (const { id, version, def } of versionsOf(catalog)) {
    if (only && id !== only) continue; // other procedures keep their entries (copied below)
    const actual = fingerprint(def);
    const locked = lock.procedures[id]?.[String(version)];
    if (locked && locked.fingerprint !== actual) {
      conflicts.push(`${id} v${version}: locked ${locked.fingerprint}, now ${actual}`);
    }
    if (!locked) added.push(`${id} v${version}`);
    (next.procedures[id] ??= {})[String(version)] = { fingerprint: actual, status: def.status ?? 'active' };
  }
  if (conflicts.length > 0) throw new LockConflictError(conflicts);
  // Versions removed from the catalog stay locked: their fingerprints must not be reused.
  for (const [id, versions] of Object.entries(lock.procedures)) {
    for (const [v, entry] of Object.entries(versions)) (next.procedures[id] ??= {})[v] ??= entry;
  }
  // Stable order (ids, then versions numerically) keeps diffs of the lock file small.
  const sorted: LockFile = { lockfileVersion: 1, procedures: {} };
  for (const id of Object.keys(next.procedures).sort()) {
    sorted.procedures[id] = Object.fromEntries(Object.entries(next.procedures[id]).sort(([a], [b]) => Number(a) - Number(b)));
  }
  return { lock: sorted, added };
}
