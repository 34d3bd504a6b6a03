/**
 * The load of the fault campaign: birth-group cases driven to their outcome through the HTTP API as the applicant,
 * the officers and the household head would, through any failure — a request that got no answer or a 5xx is
 * retried (an application with the same Idempotency-Key, so a retry never opens a second case).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { DevIdentityProvider } from '../identity/dev-identity-provider';
import type { Principal } from '../identity/claims';
import type { AgencyId } from '../domain/registries';
import { readJsonBody } from './http-json';
import { birthApplication, type Family } from './birth-application';

const TOKEN_TTL_SECONDS = 24 * 3600;
const POLL_MS = 1000;
/** An event sent whose case did not move is sent again after this long (its answer may have been lost). */
const RESEND_MS = 8000;

export interface DriverStats {
  retries: number;
  /** Answers by kind, e.g. "no answer", "503 TEMPORAL_UNAVAILABLE". */
  failures: Map<string, number>;
}

export interface CaseResult {
  index: number;
  caseId: string | null;
  status: string;
  outcome: string | null;
  ms: number;
}

export class ChaosDriver {
  readonly stats: DriverStats = { retries: 0, failures: new Map() };
  private readonly tokens = new Map<string, Promise<string>>();

  constructor(
    private readonly base: string,
    private readonly identity: DevIdentityProvider,
  ) {}

  private token(p: Principal): Promise<string> {
    const key = JSON.stringify(p);
    let t = this.tokens.get(key);
    if (!t) this.tokens.set(key, (t = this.identity.apiToken(p, TOKEN_TTL_SECONDS)));
    return t;
  }

  private fail(what: string) {
    this.stats.failures.set(what, (this.stats.failures.get(what) ?? 0) + 1);
  }

  /** One request; status 0 when no answer came (connection refused or reset, or 20 s without an answer). */
  async request(method: string, path: string, who: Principal, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
    const h: Record<string, string> = { authorization: `Bearer ${await this.token(who)}`, ...headers };
    if (body !== undefined) h['content-type'] = 'application/json';
    try {
      const res = await fetch(this.base + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(20_000) });
      const json = await readJsonBody(res);
      if (res.status >= 500) this.fail(`${method} ${path.replace(/\/cases\/[^/]+/, '/cases/{id}')}: ${res.status} ${json?.error?.code ?? ''}`);
      return { status: res.status, json };
    } catch {
      this.fail(`${method} ${path.replace(/\/cases\/[^/]+/, '/cases/{id}')}: no answer`);
      return { status: 0, json: null };
    }
  }

  /** Submits, then follows the case until it is closed or failed (or `deadline`, ms since the epoch, passes). */
  async drive(family: Family, index: number, tag: string, deadline: number): Promise<CaseResult> {
    const t0 = Date.now();
    const applicant: Principal = { kind: 'citizen', personalId: family.motherId };
    const officer = (agency: AgencyId): Principal => ({ kind: 'officer', id: `chaos-${agency}`, agency, jurisdiction: { province: '*' } });
    let caseId: string | null = null;
    while (!caseId && Date.now() < deadline) {
      const r = await this.request('POST', '/applications', applicant, birthApplication(family, index, tag), { 'idempotency-key': `chaos-${tag}-${index}` });
      if (r.status === 200 || r.status === 201) caseId = r.json.caseId;
      else if (r.status === 0 || r.status >= 500 || r.status === 429) {
        this.stats.retries++;
        await sleep(POLL_MS);
      } else return { index, caseId: null, status: `refused ${r.status} ${r.json?.error?.code}`, outcome: null, ms: Date.now() - t0 };
    }
    const sent = new Map<string, number>();
    let last: any = null;
    while (caseId && Date.now() < deadline) {
      const r = await this.request('GET', `/cases/${caseId}`, applicant);
      if (r.status !== 200) {
        this.stats.retries++;
        await sleep(POLL_MS);
        continue;
      }
      last = r.json;
      if (last.status === 'closed' || last.status === 'failed') return { index, caseId, status: last.status, outcome: last.outcome?.name ?? null, ms: Date.now() - t0 };
      for (const e of (last.acceptedEvents ?? []) as { type: string; actorId?: string }[]) {
        const key = `${e.type}:${(last.activeStates ?? []).join(',')}`;
        if (Date.now() - (sent.get(key) ?? 0) < RESEND_MS) continue;
        const actor: Principal | null =
          e.type === 'APPROVE_BIRTH' ? officer('justice') : e.type === 'APPROVE_RESIDENCE' ? officer('police') : e.type === 'HEAD_CONSENT' && e.actorId ? { kind: 'citizen', personalId: e.actorId } : null;
        if (!actor) continue;
        if (sent.has(key)) this.stats.retries++;
        sent.set(key, Date.now());
        await this.request('POST', `/cases/${caseId}/events`, actor, { type: e.type, data: {} });
      }
      await sleep(POLL_MS);
    }
    return { index, caseId, status: last?.status ?? 'not submitted', outcome: last?.outcome?.name ?? null, ms: Date.now() - t0 };
  }
}
