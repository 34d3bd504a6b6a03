/** A response body as JSON for the benches' HTTP clients: null when empty, the first 200 characters when not JSON. */
export async function readJsonBody(res: Response): Promise<any> {
  const text = await res.text();
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return { raw: text.slice(0, 200) };
  }
}
