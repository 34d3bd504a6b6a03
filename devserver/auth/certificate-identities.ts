/**
 * Who a verified client certificate is: the devserver's counterpart of a claim mapper for mTLS. Temporal's default
 * claim mapper sees the TLS subject; here a configured mapping from the certificate subject's common name (CN) gives
 * the caller the same things a bearer token's claims would: `permissions` (`<namespace>:<role>`, read like the JWT
 * claim) and, for a worker, the worker name whose task queues it may use (`workerTaskQueues`).
 *
 * File (`--tls-identities`), JSON keyed by CN; unknown fields are errors:
 *   { "police-worker": { "permissions": ["default:write"], "worker": "police" },
 *     "case-api":      { "permissions": ["default:write"] } }
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const PERMISSION = /^[^:\s]+:(read|write|admin|worker)$/i;

const certificateIdentity = z.strictObject({
  /** `<namespace>:<role>` as in a token's `permissions` claim. */
  permissions: z.array(z.string().regex(PERMISSION, 'a permission is <namespace>:<read|write|admin|worker>')).max(100),
  /** The worker whose task queues this certificate may poll and answer (a key of `workerTaskQueues`). */
  worker: z.string().min(1).optional(),
});
const certificateIdentitiesSchema = z.record(z.string().min(1).max(256), certificateIdentity);

export type CertificateIdentity = z.infer<typeof certificateIdentity>;
/** Certificate subject CN → its permissions and worker scope. */
export type CertificateIdentities = Record<string, CertificateIdentity>;

/** Validates a mapping; every `worker` named must have task queues configured. */
export function parseCertificateIdentities(value: unknown, workerTaskQueues: Record<string, readonly string[]>, source = 'certificate identities'): CertificateIdentities {
  const parsed = certificateIdentitiesSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${source}: ${issues}`);
  }
  for (const [cn, identity] of Object.entries(parsed.data)) {
    if (identity.worker !== undefined && !Object.hasOwn(workerTaskQueues, identity.worker)) {
      throw new Error(`${source}: "${cn}" names worker "${identity.worker}", which has no task queues (known: ${Object.keys(workerTaskQueues).join(', ') || 'none'})`);
    }
  }
  return parsed.data;
}

/** Reads and validates a `--tls-identities` JSON file. */
export function loadCertificateIdentities(file: string, workerTaskQueues: Record<string, readonly string[]>): CertificateIdentities {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: cannot read certificate identities: ${(err as Error).message}`);
  }
  return parseCertificateIdentities(json, workerTaskQueues, file);
}
