/** A response body as JSON for the benches' HTTP clients: null when empty, the first 200 characters when not JSON. */
export async function readJsonBody(res: Response): Promise<any> {
  const text = await res.text();
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return { raw: text.slice(0, 200) };
  }
}

/** An HTTP API the benches call: JSON in and out, a bearer token when given. */
export class JsonApi {
  constructor(readonly base: string) {}
  /** The answer; a request that got none (connection refused or reset) is status 0 with the reason. */
  async request(method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; json: any }> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      return { status: 0, json: { error: { code: 'NO_ANSWER', message: (e as Error).message } } };
    }
    return { status: res.status, json: await readJsonBody(res) };
  }
}
