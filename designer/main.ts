/**
 * `npm run procedures -- <command>`: the procedure designer toolkit.
 *   check [id]                       static checks + lock comparison (exit 1 on errors)
 *   diagram <id> [--format mermaid|svg] [--version N] [--out FILE]
 *   paths <id> [--version N]         the generated paths, pure (no engine)
 *   simulate <id[,id…]|all> [--version N] [--max-paths N]   paths through the real engine (in-process stack)
 *   lock [id]                        records new versions' fingerprints in procedures.lock.json
 *   replay-check [--address host:port] [--namespace NS] [--token JWT]   replays committed (and live) histories
 *   record-histories [ids]           re-records test/fixtures/histories from simulated cases
 * Env (read here only): PROCEDURES_LOCK_FILE, PROCEDURES_HISTORIES_DIR, TEMPORAL_ADDRESS and PROCEDURES_TOKEN (a designer's
 * token, or --token, for replay-check against a live service with authentication; docs/identity.md), AUTH_CONFIG,
 * IDENTITY_DIR.
 */
import { createDataConverter } from '../worker/codec/data-converter';
import { keyringFromEnv } from '../worker/codec/keyring';
import { cliTokenVerifier, isLoopbackAddress, staffFromToken } from '../identity/cli-token';
import { principalLabel } from '../identity/claims';
import { fileURLToPath } from 'node:url';
import { cmdCheck, cmdDiagram, cmdLock, cmdReplayCheck, printPaths, type Io } from './commands';
import { quietTemporalRuntime, recordHistories, simulateCatalog, startEngineSession } from './engine-session';
import { describePath } from './simulate-paths';
import { UsageError } from './errors';

const root = fileURLToPath(new URL('..', import.meta.url));
const paths = {
  lockFile: process.env.PROCEDURES_LOCK_FILE ?? `${root}procedures.lock.json`,
  historiesDir: process.env.PROCEDURES_HISTORIES_DIR ?? `${root}test/fixtures/histories`,
};
const io: Io = { out: (l) => console.log(l), err: (l) => console.error(l) };

function parseArgs(argv: string[]): { positional: string[]; flags: Map<string, string> } {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=', 2);
      flags.set(k, v ?? argv[++i] ?? '');
    } else positional.push(a);
  }
  return { positional, flags };
}

const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));

/**
 * A live Temporal service is reached as the designer the verified token names (`--token` or PROCEDURES_TOKEN); the
 * token is the credential (plain TCP to a loopback address, TLS otherwise).
 */
async function designerCredential(token: string | undefined, address: string | undefined): Promise<{ apiKey: string; tls: boolean } | undefined> {
  if (!address || !token) return undefined;
  const designer = await staffFromToken(token, 'designer', cliTokenVerifier(process.env), '--token <jwt> or PROCEDURES_TOKEN');
  console.error(`as ${principalLabel(designer)}`);
  return { apiKey: token, tls: !isLoopbackAddress(address) };
}

async function simulate(id: string | undefined, flags: Map<string, string>, record: boolean): Promise<number> {
  const started = Date.now();
  io.err('starting the in-process engine (registries, devserver, workers)…');
  const session = await startEngineSession({ log: (m) => io.err(`  ${m}`) });
  try {
    const reports = await simulateCatalog(session, {
      tag: `cli${started.toString(36)}`,
      only: id === 'all' ? undefined : id,
      version: num(flags.get('version')),
      maxPaths: num(flags.get('max-paths')),
      onProgress: (m) => io.err(`  ${m}`),
    });
    let bad = 0;
    for (const r of reports) {
      io.out(`${r.procedureId} v${r.version}: ${r.paths.length} path(s), ${r.runs.length} run on the engine`);
      const variants = new Set(r.paths.map((p) => p.variantName)).size;
      for (const run of r.runs) {
        const verdict = run.error ? `ERROR ${run.error}` : run.matches ? `engine: ${run.engineFinalState} ✓` : `engine: ${run.engineFinalState} ✗ MISMATCH`;
        if (!run.matches) bad++;
        io.out(`  ${describePath(run.path, variants)}; ${verdict}`);
      }
      for (const p of r.pureOnly) io.out(`  ${describePath(p, variants)}; pure only (no fault plan to inject the failure)`);
      if (r.unexercisedEvents.length > 0) io.out(`  events no path sends: ${r.unexercisedEvents.join(', ')}`);
    }
    if (record) {
      const files = await recordHistories(session, reports, paths.historiesDir);
      io.out(`recorded ${files.length} histories in ${paths.historiesDir}`);
    }
    io.err(`done in ${Math.round((Date.now() - started) / 1000)} s`);
    return bad > 0 ? 1 : 0;
  } finally {
    await session.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const { positional, flags } = parseArgs(argv);
  const [command, arg] = positional;
  switch (command) {
    case 'check':
      return cmdCheck(io, paths, arg);
    case 'diagram':
      if (!arg) throw new UsageError('diagram <id> [--format mermaid|svg]');
      return cmdDiagram(io, arg, flags.get('format') ?? 'mermaid', num(flags.get('version')), flags.get('out'));
    case 'paths':
      if (!arg) throw new UsageError('paths <id>');
      return printPaths(io, arg, num(flags.get('version')), num(flags.get('max-paths')));
    case 'simulate':
      if (!arg) throw new UsageError('simulate <id|all>');
      return simulate(arg, flags, false);
    case 'record-histories':
      return simulate(arg ?? 'all', flags, true);
    case 'lock':
      return cmdLock(io, paths, undefined, arg);
    case 'replay-check': {
      const address = flags.get('address') ?? process.env.TEMPORAL_ADDRESS;
      quietTemporalRuntime();
      // Live histories are encrypted: the payload keys (PAYLOAD_KEYS / PAYLOAD_KEYS_FILE / .data/keys) decode them.
      const dataConverter = createDataConverter({ keyring: keyringFromEnv(process.env) });
      return cmdReplayCheck(io, paths, address, flags.get('namespace'), await designerCredential(flags.get('token') ?? process.env.PROCEDURES_TOKEN, address), dataConverter);
    }
    default:
      throw new UsageError('commands: check [id] | diagram <id> [--format mermaid|svg] | paths <id> | simulate <id|all> | lock | replay-check [--address host:port] | record-histories');
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    const code = (err as { code?: string }).code;
    console.error(code ? `${code}: ${(err as Error).message}` : err);
    process.exit(2);
  },
);
