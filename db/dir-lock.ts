/**
 * One owner per embedded (PGlite) data directory: two processes on one directory risk corrupting it, and a tool's
 * writes would land where the running server does not see them. The owner holds `<dir>.lock` (exclusive create,
 * JSON: pid, start time, command, and the HTTP API it serves, if any); a second opener is refused with a message
 * saying who owns it and how to reach it. A lock whose process is gone is taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';

export interface DirOwner {
  pid: number;
  startedAt: string;
  command: string;
  /** The HTTP API the owner serves: the ops CLI sends its commands there (POST /ops/commands). */
  apiUrl?: string;
}

export class DatabaseInUseError extends Error {
  readonly code = 'DATABASE_IN_USE';
  constructor(
    readonly dir: string,
    readonly owner: DirOwner,
  ) {
    super(
      `The embedded database ${dir} is in use by process ${owner.pid} (${owner.command}, since ${owner.startedAt})` +
        (owner.apiUrl ? `, serving ${owner.apiUrl}` : '') +
        '. One process owns an embedded database: stop that process, or work through it' +
        (owner.apiUrl ? ' (`npm run ops` does so by itself)' : '') +
        ', or point DATABASE_URL at a Postgres server that several processes may share.',
    );
  }
}

export const lockPathOf = (dir: string) => `${resolve(dir)}.lock`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live owner of an embedded directory, or null (none, or the owner died). */
export function readDirOwner(dir: string): DirOwner | null {
  let owner: DirOwner;
  try {
    owner = JSON.parse(readFileSync(lockPathOf(dir), 'utf8')) as DirOwner;
  } catch {
    return null;
  }
  return typeof owner.pid === 'number' && alive(owner.pid) ? owner : null;
}

export interface DirLock {
  /** Adds what others should know (e.g. the API's URL) to the lock. */
  advertise(extra: Partial<Pick<DirOwner, 'apiUrl'>>): void;
  release(): void;
}

/** Takes the directory for this process, or throws DatabaseInUseError naming the live owner. */
export function acquireDirLock(dir: string, command = process.argv.slice(1).join(' ')): DirLock {
  const path = lockPathOf(dir);
  let owner: DirOwner = { pid: process.pid, startedAt: new Date().toISOString(), command };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify(owner));
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
      const current = readDirOwner(dir);
      if (current) throw new DatabaseInUseError(dir, current);
      unlinkSync(path); // stale: its process is gone
    }
  }
  let released = false;
  return {
    advertise(extra) {
      if (released) return;
      owner = { ...owner, ...extra };
      writeFileSync(path, JSON.stringify(owner));
    },
    release() {
      if (released) return;
      released = true;
      try {
        const current = JSON.parse(readFileSync(path, 'utf8')) as DirOwner;
        if (current.pid === process.pid && current.startedAt === owner.startedAt) unlinkSync(path);
      } catch {
        // already gone
      }
    },
  };
}
