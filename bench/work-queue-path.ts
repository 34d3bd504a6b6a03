/** bench:scale's work-queue page: which route of the API it samples. */
import type { JsonApi } from './http-json';

/** The work-queue route: `given` (BENCH_SCALE_QUEUE_PATH), or a GET list route of /openapi.json with the parameters it needs. */
export async function findQueuePath(api: JsonApi, given: string | undefined): Promise<{ path: string | null; note: string }> {
  if (given) return { path: given, note: 'BENCH_SCALE_QUEUE_PATH' };
  const spec = await api.request('GET', '/openapi.json', null);
  const paths: Record<string, any> = spec.json?.paths ?? {};
  const known: Record<string, string> = { agency: 'justice', procedureId: 'birth-group', procedure: 'birth-group', limit: '50', pageSize: '50' };
  // An agency's work queue first (the officer's page), else a case list.
  const entries = Object.entries(paths).sort(([a], [b]) => Number(/work-queue/.test(b)) - Number(/work-queue/.test(a)));
  for (const [template, ops] of entries) {
    const path = template.replace('{agency}', 'justice');
    if (path.includes('{') || !ops.get || !/queue|work|inbox|^\/cases$/.test(path)) continue;
    const params: { name: string; in: string; required?: boolean }[] = (ops.get.parameters ?? []).filter((p: any) => p.in === 'query');
    const missing = params.filter((p) => p.required && !(p.name in known));
    if (missing.length) return { path: null, note: `${path} needs ${missing.map((p) => p.name).join(', ')}; set BENCH_SCALE_QUEUE_PATH` };
    const query = params.filter((p) => p.name in known).map((p) => `${p.name}=${encodeURIComponent(known[p.name])}`);
    return { path: query.length ? `${path}?${query.join('&')}` : path, note: 'from /openapi.json' };
  }
  return { path: null, note: 'the API has no work-queue (list) route yet: page latency not measured' };
}
