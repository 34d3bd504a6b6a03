/** Calling the API app in tests: JSON requests and polling a case until it matches. */
import type { createApp } from '../../api/app';

export function apiCaller(app: () => ReturnType<typeof createApp>) {
  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await app().request(path, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  }

  async function waitFor(caseId: string, predicate: (c: any) => boolean, timeoutMs = 20_000) {
    const until = Date.now() + timeoutMs;
    let last: any;
    while (Date.now() < until) {
      last = await call('GET', `/cases/${caseId}`);
      if (last.status === 200 && predicate(last.body)) return last.body;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`case ${caseId} never matched; last ${JSON.stringify(last?.body?.activeStates ?? last?.body)}`);
  }

  return { call, waitFor };
}
