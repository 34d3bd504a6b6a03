/**
 * The designer's commands, as functions the CLI (designer/main.ts) and tests call. Each returns an exit code and
 * writes through `out`/`err`; nothing here reads the environment.
 */
import type { DataConverter } from '@temporalio/common';
import { writeFileSync } from 'node:fs';
import { CATALOG, getProcedure, type Catalog } from '../procedures/catalog';
import { loadAgencyServices } from './agency-services';
import { checkProcedure, hasErrors, type Problem } from './checks';
import { renderDiagram } from './diagram';
import { compareWithLock, readLock, updateLock, writeLock } from './lock';
import { fetchLiveHistories, loadHistoryFixtures, replayHistories, type RecordedHistory } from './replay';
import { describePath, generatePaths } from './simulate-paths';
import { simulationSpec } from './sim-inputs';
import { describeApplicantDataPhase } from './applicant-data-phase';

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface Paths {
  lockFile: string;
  historiesDir: string;
}

/** Every static problem of the catalog (or one procedure), including the lock comparison. */
export async function checkCatalog(catalog: Catalog, lockFile: string, only?: string): Promise<Problem[]> {
  const agencyServices = await loadAgencyServices();
  const problems: Problem[] = [];
  for (const [id, versions] of catalog) {
    if (only && id !== only) continue;
    for (const def of versions.values()) problems.push(...checkProcedure(def, { agencyServices, catalog }));
  }
  problems.push(...compareWithLock(catalog, readLock(lockFile), only));
  return problems;
}

export async function cmdCheck(io: Io, paths: Paths, only?: string, catalog: Catalog = CATALOG): Promise<number> {
  if (only) getProcedure(only, undefined, catalog); // unknown id → UnknownProcedureError
  const problems = await checkCatalog(catalog, paths.lockFile, only);
  const errors = problems.filter((p) => p.severity === 'error');
  const warnings = problems.filter((p) => p.severity === 'warning');
  for (const p of errors) io.out(`error   ${p.code}: ${p.message}`);
  if (errors.length > 0 && warnings.length > 0) io.out('');
  for (const p of warnings) io.out(`warning ${p.code}: ${p.message}`);
  const checked = [...catalog.entries()].filter(([id]) => !only || id === only).reduce((n, [, v]) => n + v.size, 0);
  io.out(`${checked} procedure version(s) checked: ${errors.length} error(s), ${warnings.length} warning(s)`);
  return hasErrors(problems) ? 1 : 0;
}

export function cmdDiagram(io: Io, id: string, format: string, version?: number, outFile?: string, catalog: Catalog = CATALOG): number {
  const text = renderDiagram(getProcedure(id, version, catalog), format);
  if (outFile) {
    writeFileSync(outFile, text);
    io.err(`wrote ${outFile}`);
  } else io.out(text.trimEnd());
  return 0;
}

export function cmdLock(io: Io, paths: Paths, catalog: Catalog = CATALOG, only?: string): number {
  if (only) getProcedure(only, undefined, catalog);
  const { lock, added } = updateLock(catalog, readLock(paths.lockFile), only); // throws LockConflictError
  writeLock(paths.lockFile, lock);
  io.out(added.length > 0 ? `locked ${added.join(', ')}` : 'nothing new to lock');
  return 0;
}

/** Prints the pure paths, with the failures each would inject on the engine. */
export function printPaths(io: Io, id: string, version?: number, maxPaths?: number, catalog: Catalog = CATALOG): number {
  const def = getProcedure(id, version, catalog);
  const paths = generatePaths(def, { maxPaths });
  const variants = simulationSpec(def).variants.length;
  io.out(`${def.id} v${def.version}: ${paths.length} path(s)`);
  const phase = describeApplicantDataPhase(def);
  if (phase) io.out(`  ${phase}`);
  for (const p of paths) io.out(`  ${describePath(p, variants)}`);
  return 0;
}

export async function cmdReplayCheck(
  io: Io,
  paths: Paths,
  address?: string,
  namespace?: string,
  credential?: { apiKey: string; tls: boolean },
  /** Decrypts live histories' payloads (committed fixtures are not encrypted and pass through). */
  dataConverter?: DataConverter,
): Promise<number> {
  const histories: RecordedHistory[] = loadHistoryFixtures(paths.historiesDir);
  io.err(`${histories.length} committed histories from ${paths.historiesDir}`);
  if (address) {
    const live = await fetchLiveHistories(address, { namespace, credential });
    io.err(`${live.length} live histories from ${address}`);
    histories.push(...live);
  }
  io.err('bundling the current workflow code and replaying…');
  const outcomes = await replayHistories(histories, {
    dataConverter,
    onProgress: (o) => io.out(`${o.status === 'ok' ? 'ok  ' : 'FAIL'} ${o.name}${o.status === 'ok' ? '' : ` (${o.status}): ${o.message}`}`),
  });
  const bad = outcomes.filter((o) => o.status !== 'ok');
  io.out(`${outcomes.length} histories replayed: ${bad.length} incompatible`);
  return bad.length > 0 ? 1 : 0;
}
