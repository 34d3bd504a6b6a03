/**
 * Credentials from the local development identity provider for the embedded devserver: its authentication options
 * (tokens of that provider, Temporal's roles, each worker role scoped to its own task queue) and the per-worker and
 * per-client credentials. Shared by `npm start` (scripts/stack.ts) and the test harness.
 */
import type { DevServerAuthOptions } from '../devserver/auth/interceptor';
import { TEMPORAL_AUDIENCE } from '../identity/claims';
import type { DevIdentityProvider } from '../identity/dev-identity-provider';
import { createTokenVerifier } from '../identity/token-verifier';
import { taskQueueOf, WORKER_ROLES, type WorkerRole } from './agency-worker';

export function devServerAuth(identity: DevIdentityProvider): DevServerAuthOptions {
  return {
    verify: createTokenVerifier({ audience: TEMPORAL_AUDIENCE, issuers: [identity.trustedIssuer] }),
    workerTaskQueues: Object.fromEntries(WORKER_ROLES.map((r) => [r, [taskQueueOf(r)]])),
    taskTokenSecret: identity.taskTokenSecret,
  };
}

/** The subject of a worker role's credential: `worker:police` may use `agency-police` only. */
export const workerSubject = (role: WorkerRole) => `worker:${role}`;

/** Connection options carrying a bearer token for `subject` with write access to `namespace` (plain TCP: local). */
export async function devCredential(identity: DevIdentityProvider, subject: string, namespace: string): Promise<{ tls: false; apiKey: string }> {
  return { tls: false, apiKey: await identity.temporalToken(subject, [`${namespace}:write`]) };
}
