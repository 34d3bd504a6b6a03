/**
 * The kernel's side of a slow commit: a commit waits for its WAL to reach the disk, and on a small VM that flush can
 * queue behind the kernel writing back dirty data pages. Read from Linux's /proc (nothing elsewhere): the dirty and
 * under-writeback page cache (/proc/meminfo) and the I/Os in flight on the machine's disks (/proc/diskstats, whole
 * disks only: those /sys/block lists, less loop, RAM and zram devices).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface KernelIo {
  /** Page cache waiting to be written (kB). */
  dirtyKb: number;
  /** Page cache being written right now (kB). */
  writebackKb: number;
  /** Requests issued to the disks and not yet completed. */
  inFlight: number;
}

/** `Dirty` and `Writeback` of a /proc/meminfo text, in kB; null when either is missing. */
export function parseMeminfo(text: string): Pick<KernelIo, 'dirtyKb' | 'writebackKb'> | null {
  const field = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(text);
    return m ? Number(m[1]) : null;
  };
  const dirtyKb = field('Dirty');
  const writebackKb = field('Writeback');
  return dirtyKb === null || writebackKb === null ? null : { dirtyKb, writebackKb };
}

/** The I/Os in progress (the 9th statistic of a /proc/diskstats line) summed over the named disks. */
export function parseDiskstatsInFlight(text: string, disks: ReadonlySet<string>): number {
  let inFlight = 0;
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length >= 12 && disks.has(f[2]!)) inFlight += Number(f[11]) || 0;
  }
  return inFlight;
}

/** The whole disks of /sys/block that hold data (not loop, RAM or compressed-RAM devices). */
export function dataDisks(sysBlock = '/sys/block'): Set<string> {
  try {
    return new Set(readdirSync(sysBlock).filter((d) => !/^(loop|ram|zram)\d*$/.test(d)));
  } catch {
    return new Set();
  }
}

/** A reader of the kernel's I/O state from `proc` (null on a system without /proc/meminfo). */
export function kernelIoReader(proc = '/proc', sysBlock = '/sys/block'): () => KernelIo | null {
  const disks = dataDisks(sysBlock);
  return () => {
    try {
      const mem = parseMeminfo(readFileSync(join(proc, 'meminfo'), 'utf8'));
      if (!mem) return null;
      return { ...mem, inFlight: parseDiskstatsInFlight(readFileSync(join(proc, 'diskstats'), 'utf8'), disks) };
    } catch {
      return null;
    }
  };
}
