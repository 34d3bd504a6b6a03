/**
 * The ops CLI against a running `npm start` (or `npm run api`) that owns the embedded database: the command line is
 * sent to the server (POST /ops/commands), which runs it in-process with its own Temporal client and database, so
 * the operator's audit rows land in the live database. Loopback only: the route refuses any other peer.
 */
import { isAbsolute, resolve } from 'node:path';

export interface RemoteCommandRequest {
  argv: string[];
  /** The operator's bearer token (--token or OPS_TOKEN), sent as Authorization: the API verifies it. */
  token?: string;
}

export interface RemoteCommandResult {
  exitCode: number;
  output: string[];
  error?: { code: string; message: string };
}

/** Options naming files are made absolute: the server may run in another directory. */
const PATH_OPTIONS = new Set(['--out', '--file', '--workflows']);

export function absolutePaths(argv: readonly string[], cwd: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const [name, value] = a.split(/=(.*)/s, 2);
    if (PATH_OPTIONS.has(name) && value !== undefined) out.push(`${name}=${isAbsolute(value) ? value : resolve(cwd, value)}`);
    else if (PATH_OPTIONS.has(a) && i + 1 < argv.length) {
      const v = argv[++i];
      out.push(a, isAbsolute(v) ? v : resolve(cwd, v));
    } else out.push(a);
  }
  return out;
}

/** Runs the command on the server; prints its output; returns its exit code. */
export async function runRemote(apiUrl: string, req: RemoteCommandRequest, print: (line: string) => void, printError: (line: string) => void): Promise<number> {
  const res = await fetch(`${apiUrl}/ops/commands`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(req.token ? { authorization: `Bearer ${req.token}` } : {}) },
    body: JSON.stringify({ argv: req.argv }),
  });
  const body = (await res.json()) as RemoteCommandResult | { error: { code: string; message: string } };
  if (!('output' in body)) {
    printError(`${body.error.code}: ${body.error.message}`);
    return 1;
  }
  for (const line of body.output) print(line);
  if (body.error) printError(`${body.error.code}: ${body.error.message}`);
  return body.exitCode;
}
