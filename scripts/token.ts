/**
 * `npm run -s token -- --as <who> [--ttl <seconds>] [--temporal <permission,…>]`: prints a bearer token signed by the
 * local development identity provider (the key `npm start` uses, under IDENTITY_DIR, default .data/identity).
 *   --as citizen:036196023456 · officer:justice:tp-01[:<province>[:<commune>]] · operator:op-01 · designer:ds-01 · auditor:au-01
 *   --temporal default:write   a token for the devserver instead of the API (`--as` is then the subject, e.g. worker:police)
 */
import { parseArgs } from 'node:util';
import { openDevIdentityProvider, parsePrincipalSpec } from '../identity/dev-identity-provider';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { as: { type: 'string' }, ttl: { type: 'string' }, temporal: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: false,
    strict: true,
  });
  if (values.help || !values.as) {
    console.error('usage: npm run -s token -- --as <citizen:<personalId> | officer:<agency>:<id> | operator:<id> | designer:<id> | auditor:<id>> [--ttl seconds] [--temporal default:write]');
    process.exit(values.help ? 0 : 2);
  }
  const ttl = values.ttl === undefined ? undefined : Number(values.ttl);
  if (ttl !== undefined && !(Number.isInteger(ttl) && ttl > 0 && ttl <= 7 * 86_400)) throw new Error('--ttl must be a whole number of seconds, at most 7 days');
  const idp = await openDevIdentityProvider({ dir: process.env.IDENTITY_DIR || undefined });
  const token = values.temporal
    ? await idp.temporalToken(values.as, values.temporal.split(','), ttl)
    : await idp.apiToken(parsePrincipalSpec(values.as), ttl);
  console.log(token);
}

main().catch((err: Error & { code?: string }) => {
  console.error(`${err.code ? `${err.code}: ` : ''}${err.message}`);
  process.exit(1);
});
