/**
 * Credentials from the local development identity provider for the embedded devserver: its authentication options
 * (tokens of that provider, Temporal's roles, each worker role scoped to its own task queue) and the per-worker and
 * per-client credentials. Shared by `npm start` (scripts/stack.ts), the test harness and `npm run bench:scale` (a
 * devserver in its own process, given the same authentication on its command line).
 */
import type { DevServerAuthOptions } from '../devserver/auth/interceptor';
import { TEMPORAL_AUDIENCE } from '../identity/claims';
import type { DevIdentityProvider } from '../identity/dev-identity-provider';
import { createTokenVerifier } from '../identity/token-verifier';
import { taskQueueOf, WORKER_ROLES, type WorkerRole } from './agency-worker';

/** Each worker role's task queues: the credential `worker:police` may use `agency-police` only. */
const workerTaskQueues = (): Record<string, string[]> => Object.fromEntries(WORKER_ROLES.map((r) => [r, [taskQueueOf(r)]]));

export function devServerAuth(identity: DevIdentityProvider): DevServerAuthOptions {
  return {
    verify: createTokenVerifier({ audience: TEMPORAL_AUDIENCE, issuers: [identity.trustedIssuer] }),
    workerTaskQueues: workerTaskQueues(),
    taskTokenSecret: identity.taskTokenSecret,
  };
}

/** The same authentication as `devServerAuth`, as the arguments of `npm run devserver` (a devserver in its own process). */
export function devServerAuthArgs(identity: DevIdentityProvider): string[] {
  const queues = Object.entries(workerTaskQueues()).map(([worker, qs]) => `${worker}=${qs.join('+')}`);
  return ['--auth-issuer', identity.issuer, '--auth-jwks', identity.jwksFile, '--worker-queues', queues.join(','), '--task-token-secret', identity.taskTokenSecretFile];
}

/** The subject of a worker role's credential: `worker:police` may use `agency-police` only. */
export const workerSubject = (role: WorkerRole) => `worker:${role}`;

/**
 * Connection options carrying a bearer token for `subject` with write access to `namespace` (plain TCP: local),
 * valid an hour unless `ttlSeconds` says otherwise (a process that cannot renew it needs it for its whole run).
 */
export async function devCredential(identity: DevIdentityProvider, subject: string, namespace: string, ttlSeconds?: number): Promise<{ tls: false; apiKey: string }> {
  return { tls: false, apiKey: await identity.temporalToken(subject, [`${namespace}:write`], ttlSeconds) };
}
