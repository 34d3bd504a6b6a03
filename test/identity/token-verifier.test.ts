/**
 * Token edge cases against the real verifier (jose): every failure has its own stable code, and only a token signed
 * by a trusted issuer's key, for our audience, inside its validity window (bounded skew) names a principal.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { API_AUDIENCE, InvalidClaimsError, principalFromClaims } from '../../identity/claims';
import { InvalidAuthConfigError, readAuthConfig } from '../../identity/auth-config';
import { DEV_ISSUER, openDevIdentityProvider, parsePrincipalSpec, type DevIdentityProvider } from '../../identity/dev-identity-provider';
import { createTokenVerifier, type TokenVerifier } from '../../identity/token-verifier';

const NOW = new Date('2026-12-01T09:00:00Z');
let idp: DevIdentityProvider;
let verify: TokenVerifier;
let foreignKey: CryptoKey;
let foreignJwk: JWK;

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const iat = Math.floor(NOW.getTime() / 1000);

/** A token signed with `key` (defaults: the provider's claims for a justice officer, valid for an hour). */
async function sign(claims: Record<string, unknown>, opts: { key?: CryptoKey; kid?: string; iss?: string; aud?: string } = {}) {
  return new SignJWT({ kind: 'officer', agency: 'justice', province: '01', ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: opts.kid ?? idp.jwks.keys[0].kid })
    .setIssuer(opts.iss ?? DEV_ISSUER)
    .setAudience(opts.aud ?? API_AUDIENCE)
    .setSubject('tp-01')
    .setIssuedAt(iat)
    .setExpirationTime(iat + 3600)
    .sign(opts.key ?? foreignKey);
}

beforeAll(async () => {
  idp = await openDevIdentityProvider({ dir: mkdtempSync(join(tmpdir(), 'idp-')), now: () => NOW });
  verify = createTokenVerifier({ audience: API_AUDIENCE, issuers: [idp.trustedIssuer], clockToleranceSeconds: 30, now: () => NOW });
  const pair = await generateKeyPair('ES256', { extractable: true });
  foreignKey = pair.privateKey;
  foreignJwk = await exportJWK(pair.publicKey);
});

async function codeOf(token: string | undefined): Promise<string> {
  try {
    await verify(token);
    return 'OK';
  } catch (e) {
    return (e as { code: string }).code;
  }
}

describe('token verification', () => {
  it('accepts a token of the trusted issuer and reads the principal from it only', async () => {
    const token = await idp.apiToken(parsePrincipalSpec('officer:justice:tp-01'));
    const { claims, issuer } = await verify(token);
    expect(principalFromClaims(claims as Record<string, unknown>, issuer)).toEqual({
      kind: 'officer',
      id: 'tp-01',
      agency: 'justice',
      jurisdiction: { province: '01', commune: '00004' },
    });
  });

  it('refuses a missing or malformed token', async () => {
    expect(await codeOf(undefined)).toBe('TOKEN_MISSING');
    expect(await codeOf('not-a-jwt')).toBe('TOKEN_MALFORMED');
  });

  it('refuses an expired token, and one not yet valid, beyond the allowed clock skew only', async () => {
    const later = createTokenVerifier({ audience: API_AUDIENCE, issuers: [idp.trustedIssuer], clockToleranceSeconds: 30, now: () => new Date(NOW.getTime() + 3600_000 + 20_000) });
    const token = await idp.apiToken(parsePrincipalSpec('citizen:036196023456'), 3600);
    await expect(later(token)).resolves.toBeTruthy(); // 20 s past expiry: within the 30 s skew
    const muchLater = createTokenVerifier({ audience: API_AUDIENCE, issuers: [idp.trustedIssuer], clockToleranceSeconds: 30, now: () => new Date(NOW.getTime() + 3600_000 + 60_000) });
    await expect(muchLater(token)).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
    const earlier = createTokenVerifier({ audience: API_AUDIENCE, issuers: [idp.trustedIssuer], clockToleranceSeconds: 30, now: () => new Date(NOW.getTime() - 120_000) });
    await expect(earlier(token)).rejects.toMatchObject({ code: 'TOKEN_NOT_YET_VALID' });
  });

  it('bounds the configured clock skew', async () => {
    const lax = createTokenVerifier({ audience: API_AUDIENCE, issuers: [idp.trustedIssuer], clockToleranceSeconds: 86_400, now: () => new Date(NOW.getTime() + 3600_000 + 600_000) });
    const token = await idp.apiToken(parsePrincipalSpec('citizen:036196023456'), 3600);
    await expect(lax(token)).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' }); // 10 min late: over the 5 min ceiling
  });

  it('refuses a token for another audience or from another issuer', async () => {
    const forTemporal = await idp.temporalToken('worker:police', ['default:write']);
    expect(await codeOf(forTemporal)).toBe('TOKEN_WRONG_AUDIENCE');
    expect(await codeOf(await sign({}, { iss: 'https://evil.example', key: foreignKey }))).toBe('TOKEN_WRONG_ISSUER');
  });

  it('refuses alg none, an unknown key id, a foreign signature and a tampered payload', async () => {
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: DEV_ISSUER, aud: API_AUDIENCE, sub: 'tp-01', kind: 'officer', agency: 'justice', province: '01', exp: iat + 3600 })}.`;
    expect(await codeOf(none)).toBe('TOKEN_ALGORITHM_NOT_ALLOWED');
    const hs = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ iss: DEV_ISSUER, aud: API_AUDIENCE, sub: 'x', exp: iat + 3600 })}.c2ln`;
    expect(await codeOf(hs)).toBe('TOKEN_ALGORITHM_NOT_ALLOWED');
    expect(await codeOf(await sign({}, { kid: 'no-such-key' }))).toBe('TOKEN_UNKNOWN_KEY');
    // Signed by another key that claims the provider's key id.
    expect(await codeOf(await sign({}))).toBe('TOKEN_INVALID_SIGNATURE');
    // A genuine citizen token whose payload is edited to name another person.
    const genuine = await idp.apiToken(parsePrincipalSpec('citizen:036196023456'));
    const [h, p, s] = genuine.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const tampered = `${h}.${b64({ ...payload, sub: '001094012345', personal_id: '001094012345' })}.${s}`;
    expect(await codeOf(tampered)).toBe('TOKEN_INVALID_SIGNATURE');
    expect(foreignJwk.kty).toBe('EC');
  });

  it('lets an issuer vouch only for what it is trusted for (an agency SSO for its own officers)', async () => {
    const policeSso = createTokenVerifier({
      audience: API_AUDIENCE,
      issuers: [{ issuer: 'https://sso.police.example', jwks: { keys: [{ ...foreignJwk, kid: 'p1' }] }, accepts: ['officer'], agency: 'police' }],
      now: () => NOW,
    });
    const token = await sign({ agency: 'justice' }, { iss: 'https://sso.police.example', kid: 'p1' });
    const verified = await policeSso(token);
    expect(() => principalFromClaims(verified.claims as Record<string, unknown>, verified.issuer)).toThrow(/only for officers of police/);
    const citizenClaim = await sign({ kind: 'citizen', personal_id: '036196023456' }, { iss: 'https://sso.police.example', kid: 'p1' });
    const v2 = await policeSso(citizenClaim);
    expect(() => principalFromClaims(v2.claims as Record<string, unknown>, v2.issuer)).toThrow(/does not vouch for principals of kind "citizen"/);
  });
});

describe('production configuration (AUTH_CONFIG)', () => {
  it('trusts the issuers of the file, each for what it may vouch for, and refuses unknown fields', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'auth-config-'));
    const file = join(dir, 'auth.json');
    writeFileSync(file, JSON.stringify({ issuers: [{ issuer: DEV_ISSUER, jwksFile: idp.jwksFile, accepts: ['citizen'] }], clockToleranceSeconds: 10 }));
    const config = readAuthConfig(file);
    const verifyConfigured = createTokenVerifier({ ...config, now: () => NOW });
    const citizen = await verifyConfigured(await idp.apiToken(parsePrincipalSpec('citizen:036196023456')));
    expect(principalFromClaims(citizen.claims as Record<string, unknown>, citizen.issuer)).toEqual({ kind: 'citizen', personalId: '036196023456' });
    const officer = await verifyConfigured(await idp.apiToken(parsePrincipalSpec('officer:justice:tp-01')));
    expect(() => principalFromClaims(officer.claims as Record<string, unknown>, officer.issuer)).toThrow(InvalidClaimsError);

    writeFileSync(file, JSON.stringify({ issuers: [{ issuer: DEV_ISSUER, jwksFile: idp.jwksFile, accepts: ['citizen'], trustEveryone: true }] }));
    expect(() => readAuthConfig(file)).toThrow(/trustEveryone/);
    writeFileSync(file, JSON.stringify({ issuers: [{ issuer: DEV_ISSUER, accepts: ['citizen'] }] }));
    expect(() => readAuthConfig(file)).toThrow(/exactly one of jwksUrl, jwksFile/);
    writeFileSync(file, JSON.stringify({ clockToleranceSeconds: 3600, issuers: [{ issuer: DEV_ISSUER, jwksFile: idp.jwksFile, accepts: ['citizen'] }] }));
    expect(() => readAuthConfig(file)).toThrow(InvalidAuthConfigError);
  });
});

describe('verified tokens are remembered for a short time', () => {
  it('the same token is verified once, its expiry still checked on every use; 0 turns the memory off', async () => {
    let now = NOW;
    const token = await idp.apiToken(parsePrincipalSpec('officer:justice:tp-01'));
    const remembering = createTokenVerifier({ audience: API_AUDIENCE, issuers: [idp.trustedIssuer], now: () => now, verifiedCacheSeconds: 86_400 });
    const first = await remembering(token);
    expect(await remembering(token)).toBe(first); // the remembered verification, not a second one
    now = new Date((first.claims.exp! + 3600) * 1000); // past the token's expiry, inside the memory's time
    await expect(remembering(token)).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });

    now = NOW;
    const forgetting = createTokenVerifier({ audience: API_AUDIENCE, issuers: [idp.trustedIssuer], now: () => now, verifiedCacheSeconds: 0 });
    const once = await forgetting(token);
    const again = await forgetting(token);
    expect(again).not.toBe(once);
    expect(again).toEqual(once);
  });

  it('a remembered token is verified again after the memory time, and the oldest goes first when full', async () => {
    let now = NOW;
    const tokens = [await idp.apiToken(parsePrincipalSpec('officer:justice:tp-01')), await idp.apiToken(parsePrincipalSpec('officer:police:tp-02'))];
    const v = createTokenVerifier({ audience: API_AUDIENCE, issuers: [idp.trustedIssuer], now: () => now, verifiedCacheSeconds: 60, verifiedCacheSize: 1 });
    const a = await v(tokens[0]);
    expect(await v(tokens[0])).toBe(a);
    now = new Date(NOW.getTime() + 61_000);
    const a2 = await v(tokens[0]);
    expect(a2).not.toBe(a);
    const b = await v(tokens[1]); // the memory holds one: the first token goes
    expect(await v(tokens[1])).toBe(b);
    expect(await v(tokens[0])).not.toBe(a2);
  });
});
