/**
 * The local development identity provider `npm start` runs: one ES256 signing key kept under `.data/identity/`
 * (created on first use, readable by the owner only), its public JWKS (served by the API at
 * /.well-known/jwks.json and written next to the key for the devserver), and tokens for seeded citizens, officers,
 * staff and the workers. Never used in production: there the API and the Temporal frontend trust the national
 * identity provider and the agencies' SSO (docs/identity.md).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JSONWebKeySet, type JWK } from 'jose';
import { AGENCY_IDS, isAgencyId } from '../agencies/index';
import { API_AUDIENCE, claimsOf, STAFF_ROLES, TEMPORAL_AUDIENCE, type Principal, type StaffRole } from './claims';
import type { AgencyId } from '../domain/registries';
import type { TrustedIssuer } from './token-verifier';

export const DEV_ISSUER = 'urn:once-only:dev-identity-provider';
export const DEV_IDENTITY_DIR = '.data/identity';
const ALG = 'ES256';

/** Officers of the seeded demo: their jurisdiction is Hà Nội (01), commune 00004 for the civil-status officer. */
const DEV_OFFICER_JURISDICTION: Record<string, { province: string; commune?: string }> = {
  'tp-01': { province: '01', commune: '00004' },
};

export class UnknownIdentityError extends Error {
  readonly code = 'UNKNOWN_IDENTITY';
}

/**
 * Reads `--as` specs: `citizen:<personalId>`, `officer:<agency>:<id>[:<province>[:<commune>]]`,
 * `operator:<id>`, `designer:<id>`, `auditor:<id>` (staff with that role).
 */
export function parsePrincipalSpec(spec: string): Principal {
  const [kind, ...rest] = spec.split(':');
  if (kind === 'citizen' && rest.length === 1 && /^\d{12}$/.test(rest[0])) return { kind: 'citizen', personalId: rest[0] };
  if (kind === 'officer' && rest.length >= 2 && rest.length <= 4 && isAgencyId(rest[0]) && rest[1]) {
    const [agency, id, province, commune] = rest;
    const jurisdiction = province ? { province, ...(commune ? { commune } : {}) } : (DEV_OFFICER_JURISDICTION[id] ?? { province: '01' });
    return { kind: 'officer', agency: agency as AgencyId, id, jurisdiction };
  }
  if ((STAFF_ROLES as readonly string[]).includes(kind) && rest.length === 1 && rest[0]) {
    return { kind: 'staff', id: rest[0], roles: [kind as StaffRole] };
  }
  throw new UnknownIdentityError(
    `Unknown identity "${spec}": use citizen:<12-digit personal ID>, officer:<${AGENCY_IDS.join('|')}>:<id>[:<province>[:<commune>]], operator:<id>, designer:<id> or auditor:<id>`,
  );
}

/**
 * Staff tokens also open the Temporal frontend (the ops and procedures CLIs talk to it): operators and designers
 * write (repairs, simulations), auditors only read.
 */
function staffTemporalPermissions(roles: readonly StaffRole[]): string[] {
  return roles.some((r) => r === 'operator' || r === 'designer') ? ['default:write'] : ['default:read'];
}

export interface DevIdentityProvider {
  issuer: string;
  jwks: JSONWebKeySet;
  /** Path of the public JWKS file (the devserver reads it). */
  jwksFile: string;
  /** The provider as an issuer the API trusts for every kind of principal. */
  trustedIssuer: TrustedIssuer;
  /** A token for the HTTP API (staff tokens: also for the Temporal frontend, with `permissions`). */
  apiToken(principal: Principal, ttlSeconds?: number): Promise<string>;
  /**
   * A token for the Temporal frontend, with Temporal's `permissions` claim (e.g. `default:write`). `sub` names the
   * caller; `worker:<agency>` or `worker:engine` scopes it to that role's task queues.
   */
  temporalToken(sub: string, permissions: string[], ttlSeconds?: number): Promise<string>;
  /** The devserver's key binding task tokens to their queue (kept so in-flight tasks survive a restart). */
  taskTokenSecret: Buffer;
  /** The file holding it (a devserver in its own process reads it: `--task-token-secret`). */
  taskTokenSecretFile: string;
}

function loadOrCreateSecret(file: string): Buffer {
  if (existsSync(file)) return readFileSync(file);
  const secret = randomBytes(32);
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

interface StoredKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

async function loadOrCreateKey(dir: string): Promise<StoredKey> {
  const file = join(dir, 'signing-key.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as StoredKey;
  mkdirSync(dir, { recursive: true });
  const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
  const kid = randomUUID();
  const key: StoredKey = { kid, privateJwk: { ...(await exportJWK(privateKey)), kid, alg: ALG }, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' } };
  writeFileSync(file, JSON.stringify(key), { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}

export async function openDevIdentityProvider(opts: { dir?: string; now?: () => Date } = {}): Promise<DevIdentityProvider> {
  const dir = opts.dir ?? DEV_IDENTITY_DIR;
  const now = opts.now ?? (() => new Date());
  const stored = await loadOrCreateKey(dir);
  const privateKey = await importJWK(stored.privateJwk, ALG);
  const jwks: JSONWebKeySet = { keys: [stored.publicJwk] };
  const jwksFile = join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify(jwks, null, 2));
  const taskTokenSecretFile = join(dir, 'task-token-secret');

  const sign = (claims: Record<string, unknown>, audience: string | string[], ttlSeconds: number) => {
    const iat = Math.floor(now().getTime() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: ALG, kid: stored.kid, typ: 'JWT' })
      .setIssuer(DEV_ISSUER)
      .setAudience(audience)
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(iat + ttlSeconds)
      .setJti(randomUUID())
      .sign(privateKey);
  };

  return {
    issuer: DEV_ISSUER,
    jwks,
    jwksFile,
    trustedIssuer: { issuer: DEV_ISSUER, jwks, accepts: ['citizen', 'officer', 'staff'] },
    apiToken: (principal, ttlSeconds = 8 * 3600) =>
      principal.kind === 'staff'
        ? sign({ ...claimsOf(principal), permissions: staffTemporalPermissions(principal.roles) }, [API_AUDIENCE, TEMPORAL_AUDIENCE], ttlSeconds)
        : sign(claimsOf(principal), API_AUDIENCE, ttlSeconds),
    temporalToken: (sub, permissions, ttlSeconds = 3600) => sign({ sub, permissions }, TEMPORAL_AUDIENCE, ttlSeconds),
    taskTokenSecret: loadOrCreateSecret(taskTokenSecretFile),
    taskTokenSecretFile,
  };
}
