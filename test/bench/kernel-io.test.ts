/** bench/kernel-io.ts: the kernel's writeback and the disks' I/Os in flight, read beside each probed commit. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataDisks, kernelIoReader, parseDiskstatsInFlight, parseMeminfo } from '../../bench/kernel-io';

const MEMINFO = `MemTotal:       24567432 kB
MemFree:        20123456 kB
Dirty:            704544 kB
Writeback:         51108 kB
AnonPages:       1234567 kB
WritebackTmp:          0 kB
`;
// major minor name reads … writes … sectors-written ms-writing in-progress …
const DISKSTATS = `   7       0 loop0 10 0 80 1 0 0 0 0 5 2 1 0 0 0 0 0 0
 254       0 vda 9000 12 400000 3000 50000 300 1909216 23056 37 40000 26000 0 0 0 0 5058 1200
 254       1 vda1 8000 12 390000 2900 49000 300 1900000 23000 4 39000 25000 0 0 0 0 0 0
 253       0 zram0 0 0 0 0 0 0 0 0 9 0 0 0 0 0 0 0 0
 259       0 nvme0n1 100 0 800 10 200 0 1600 20 2 30 30 0 0 0 0 0 0
`;

const dir = mkdtempSync(join(tmpdir(), 'kernel-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bench/kernel-io', () => {
  it('reads Dirty and Writeback from /proc/meminfo, not their look-alikes', () => {
    expect(parseMeminfo(MEMINFO)).toEqual({ dirtyKb: 704544, writebackKb: 51108 });
    expect(parseMeminfo('MemTotal: 1 kB\nWritebackTmp: 5 kB\n')).toBeNull();
  });

  it('sums the I/Os in progress over the named whole disks only (no partition counted twice, no loop or zram)', () => {
    expect(parseDiskstatsInFlight(DISKSTATS, new Set(['vda', 'nvme0n1']))).toBe(39);
    expect(parseDiskstatsInFlight(DISKSTATS, new Set(['vda']))).toBe(37);
    expect(parseDiskstatsInFlight('garbage\n\n', new Set(['vda']))).toBe(0);
  });

  it('takes the data disks from /sys/block, leaving out loop, RAM and zram devices; none when it is missing', () => {
    const sys = join(dir, 'block');
    for (const d of ['vda', 'nvme0n1', 'loop0', 'loop12', 'ram0', 'zram0']) mkdirSync(join(sys, d), { recursive: true });
    expect([...dataDisks(sys)].sort()).toEqual(['nvme0n1', 'vda']);
    expect(dataDisks(join(dir, 'missing')).size).toBe(0);
  });

  it('reads a proc tree into one reading, and null where there is none', () => {
    const proc = join(dir, 'proc');
    mkdirSync(proc, { recursive: true });
    writeFileSync(join(proc, 'meminfo'), MEMINFO);
    writeFileSync(join(proc, 'diskstats'), DISKSTATS);
    const sys = join(dir, 'sys-vda');
    mkdirSync(join(sys, 'vda'), { recursive: true });
    expect(kernelIoReader(proc, sys)()).toEqual({ dirtyKb: 704544, writebackKb: 51108, inFlight: 37 });
    expect(kernelIoReader(join(dir, 'no-proc'), sys)()).toBeNull();
  });

  it("reads this machine's own kernel when it has /proc", () => {
    const reading = kernelIoReader()();
    if (process.platform !== 'linux') return expect(reading).toBeNull();
    expect(reading).not.toBeNull();
    for (const v of Object.values(reading!)) expect(Number.isInteger(v) && v >= 0).toBe(true);
  });
});
