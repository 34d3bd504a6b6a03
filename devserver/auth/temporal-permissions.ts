/**
 * Temporal's authorization model, as its default JWT claim mapper and default authorizer apply it: the `permissions`
 * claim lists `<namespace>:<role>` (`system:admin`, `default:write`…), roles are bits (worker 1, reader 2, writer 4,
 * admin 8); a method needs reader (read-only), writer (write) or admin (namespace and cluster administration), from
 * the system role (cluster methods) or the system role together with the namespace's (namespace methods).
 */
export const ROLE = { worker: 1, reader: 2, writer: 4, admin: 8 } as const;
const ROLE_BY_NAME: Record<string, number> = { worker: ROLE.worker, read: ROLE.reader, write: ROLE.writer, admin: ROLE.admin };

export interface TemporalClaims {
  subject: string;
  system: number;
  namespaces: Map<string, number>;
}

/** Reads `permissions` like Temporal's default claim mapper; entries it cannot read grant nothing. */
export function temporalClaims(subject: string, permissions: unknown): TemporalClaims {
  const claims: TemporalClaims = { subject, system: 0, namespaces: new Map() };
  if (!Array.isArray(permissions)) return claims;
  for (const p of permissions) {
    if (typeof p !== 'string') continue;
    const at = p.lastIndexOf(':');
    if (at <= 0) continue;
    const role = ROLE_BY_NAME[p.slice(at + 1).toLowerCase()];
    if (!role) continue;
    const ns = p.slice(0, at);
    if (ns === 'system') claims.system |= role;
    else claims.namespaces.set(ns, (claims.namespaces.get(ns) ?? 0) | role);
  }
  return claims;
}

export type Access = 'read' | 'write' | 'admin';
export interface MethodAccess {
  scope: 'cluster' | 'namespace';
  access: Access;
}

/** Always allowed, without credentials: the SDK's first call, which returns nothing sensitive. */
export const HEALTH_CHECK_METHODS = new Set(['GetSystemInfo', 'Check']);
const CLUSTER: Record<string, Access> = { GetClusterInfo: 'read', ListNamespaces: 'read', RegisterNamespace: 'admin', DeleteNamespace: 'admin', ListClusters: 'read' };
const NAMESPACE_ADMIN = new Set(['UpdateNamespace', 'DeprecateNamespace', 'AddSearchAttributes', 'RemoveSearchAttributes']);
const READ = /^(Describe|Get|List|Count|Query|Scan|PollWorkflowExecutionUpdate$)/;

export function methodAccess(method: string): MethodAccess {
  if (method in CLUSTER) return { scope: 'cluster', access: CLUSTER[method] };
  if (NAMESPACE_ADMIN.has(method)) return { scope: 'namespace', access: 'admin' };
  return { scope: 'namespace', access: READ.test(method) ? 'read' : 'write' };
}

const REQUIRED: Record<Access, number> = { read: ROLE.reader, write: ROLE.writer, admin: ROLE.admin };

/** Temporal's default authorizer: the role held for the method's scope must reach the role its access needs. */
export function allowedByRoles(claims: TemporalClaims, method: string, namespace: string | undefined): boolean {
  const { scope, access } = methodAccess(method);
  const held = scope === 'cluster' ? claims.system : claims.system | (claims.namespaces.get(namespace ?? '') ?? 0);
  return held >= REQUIRED[access];
}
