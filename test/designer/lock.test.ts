import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOG, createCatalog, getProcedure } from '../../procedures/catalog';
import { compareWithLock, emptyLock, readLock, updateLock, writeLock } from '../../designer/lock';
import { fingerprint } from '../../designer/fingerprint';
import { LockConflictError } from '../../designer/errors';
import { cmdCheck, cmdLock } from '../../designer/commands';
import { goodDefinition, permitSetup } from './faulty';
import { newestActiveVersion } from '../procedures/catalog-versions';

const changedMachine = () =>
  permitSetup.createMachine({
    id: 'permit',
    initial: 'checking',
    states: {
      checking: { invoke: { id: 'checkBirthDossier', src: 'checkBirthDossier', onDone: 'deciding', onError: 'failed' } },
      // The refusal no longer records a note: a behaviour change.
      deciding: { on: { APPROVE: { guard: 'isOfficer', target: 'approved' }, REFUSE: { guard: 'isOfficer', target: 'refused' } }, after: { answerWindow: 'refused' } },
      approved: { type: 'final' },
      refused: { type: 'final' },
      failed: { type: 'final' },
    },
  });

describe('fingerprint', () => {
  it('is stable, and ignores titles and status but not machines, delays or declarations', () => {
    const base = goodDefinition();
    expect(fingerprint(base)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(fingerprint(goodDefinition())).toBe(fingerprint(base));
    expect(fingerprint(goodDefinition({ title: 'Another title', status: 'draft' }))).toBe(fingerprint(base));
    expect(fingerprint(goodDefinition({ machine: changedMachine() }))).not.toBe(fingerprint(base));
    expect(fingerprint(goodDefinition({ delays: [{ name: 'answerWindow', workingDays: 9, legalBasis: 'l', description: 'd' }] }))).not.toBe(fingerprint(base));
    expect(fingerprint(goodDefinition({ deadlines: [] }))).not.toBe(fingerprint(base));
    // The birth group's draft differs from v1 only by deadlines, and that is a different fingerprint.
    expect(fingerprint(getProcedure('birth-group', 2))).not.toBe(fingerprint(getProcedure('birth-group', 1)));
  });
});

describe('lock', () => {
  it('fails the check when a machine changes without a version bump; a new version is fine', () => {
    const v1 = goodDefinition();
    const { lock, added } = updateLock(createCatalog([v1]), emptyLock());
    expect(added).toEqual(['permit v1']);
    expect(compareWithLock(createCatalog([v1]), lock)).toEqual([]);

    const edited = goodDefinition({ machine: changedMachine() });
    const problems = compareWithLock(createCatalog([edited]), lock);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ severity: 'error', code: 'CHANGED_WITHOUT_VERSION_BUMP', procedureId: 'permit', version: 1 });
    expect(problems[0].message).toMatch(/^permit v1: the machine or its declarations changed but the version did not \(locked sha256:.+, now sha256:.+\): add version 2 and keep v1 for running cases$/);
    expect(() => updateLock(createCatalog([edited]), lock)).toThrow(LockConflictError);

    const bumped = createCatalog([v1, goodDefinition({ version: 2, machine: changedMachine() })]);
    expect(compareWithLock(bumped, lock).map((p) => `${p.severity} ${p.code} v${p.version}`)).toEqual(['warning NOT_LOCKED v2']);
    const next = updateLock(bumped, lock);
    expect(next.added).toEqual(['permit v2']);
    expect(compareWithLock(bumped, next.lock)).toEqual([]);
    // Locking one procedure leaves the others' entries as they are.
    const other = goodDefinition({ id: 'other' });
    const onlyOther = updateLock(createCatalog([goodDefinition({ machine: changedMachine() }), other]), lock, 'other');
    expect(onlyOther.added).toEqual(['other v1']);
    expect(onlyOther.lock.procedures.permit).toEqual(lock.procedures.permit);
    // A version dropped from the catalog stays locked, and is reported.
    expect(compareWithLock(createCatalog([v1]), next.lock).map((p) => p.code)).toEqual(['LOCKED_VERSION_REMOVED']);
  });

  it('`lock` and `check` commands: exit codes and the file round trip', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'designer-lock-'));
    const paths = { lockFile: join(dir, 'procedures.lock.json'), historiesDir: dir };
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: () => {} };
    const catalog = createCatalog([goodDefinition()]);
    expect(cmdLock(io, paths, catalog)).toBe(0);
    expect(lines).toEqual(['locked permit v1']);
    expect(readLock(paths.lockFile).procedures.permit['1'].fingerprint).toBe(fingerprint(goodDefinition()));
    expect(await cmdCheck(io, paths, undefined, catalog)).toBe(0);

    const edited = createCatalog([goodDefinition({ machine: changedMachine() })]);
    lines.length = 0;
    expect(await cmdCheck(io, paths, undefined, edited)).toBe(1);
    expect(lines[0]).toMatch(/^error {3}CHANGED_WITHOUT_VERSION_BUMP: permit v1: the machine or its declarations changed/);
    expect(() => cmdLock(io, paths, edited)).toThrow(/Refusing to change the fingerprint of a locked version/);
    expect(readLock(paths.lockFile).procedures.permit['1'].fingerprint).toBe(fingerprint(goodDefinition())); // unchanged

    writeFileSync(paths.lockFile, '{"nope": 1}');
    expect(() => readLock(paths.lockFile)).toThrow(/not a valid procedures lock file/);
    writeLock(paths.lockFile, emptyLock());
    expect(JSON.parse(readFileSync(paths.lockFile, 'utf8'))).toEqual({ lockfileVersion: 1, procedures: {} });
  });

  it('the committed procedures.lock.json matches every locked catalog version', () => {
    const lock = readLock(new URL('../../procedures.lock.json', import.meta.url).pathname);
    const changed = compareWithLock(CATALOG, lock).filter((p) => p.severity === 'error');
    expect(changed).toEqual([]);
    expect(lock.procedures['birth-group']['1'].fingerprint).toBe(fingerprint(getProcedure('birth-group', 1)));
  });
});

describe('versions', () => {
  it('new cases get the newest active version; drafts and old versions only when asked for', () => {
    const v1 = goodDefinition();
    const v2 = goodDefinition({ version: 2, machine: changedMachine() });
    const v3 = goodDefinition({ version: 3, status: 'draft' });
    const catalog = createCatalog([v1, v2, v3]);
    expect(getProcedure('permit', undefined, catalog).version).toBe(2);
    expect(getProcedure('permit', 1, catalog)).toBe(v1); // a running v1 case keeps v1
    expect(getProcedure('permit', 3, catalog).status).toBe('draft');
    expect(getProcedure('birth-group').version).toBe(newestActiveVersion('birth-group'));
    expect(getProcedure('birth-group', 2).status).toBe('draft');
    expect(getProcedure('birth-group').version).not.toBe(2); // the draft amendment is not in force
  });
});
