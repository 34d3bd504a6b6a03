/**
 * Static assets under /assets: GOV.UK Frontend's compiled CSS, JavaScript, fonts and images, read at run time from
 * the installed package (node_modules/govuk-frontend/dist; nothing is copied into the repository, no build step),
 * and the console's own small stylesheet and script (web/assets/). Only files of those two folders are served.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'hono';

const GOVUK_DIST = join(dirname(createRequire(import.meta.url).resolve('govuk-frontend/package.json')), 'dist', 'govuk');
const OWN = join(dirname(fileURLToPath(import.meta.url)), 'assets');

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/manifest+json',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** The file for an /assets/… path, or undefined (never outside the two asset folders). */
export function assetFile(path: string): string | undefined {
  const rel = path.replace(/^\/assets\//, '');
  if (!/^[\w.-]+(\/[\w.-]+)?$/.test(rel) || rel.includes('..') || !TYPES[extname(rel)]) return undefined;
  if (rel === 'console.css' || rel === 'console.js') return join(OWN, rel);
  if (rel === 'govuk-frontend.min.css' || rel === 'govuk-frontend.min.js') return join(GOVUK_DIST, rel);
  const file = normalize(join(GOVUK_DIST, 'assets', rel));
  return file.startsWith(join(GOVUK_DIST, 'assets') + sep) ? file : undefined;
}

export async function serveAsset(c: Context): Promise<Response> {
  const file = assetFile(c.req.path);
  const body = file ? await readFile(file).catch(() => undefined) : undefined;
  if (!body) return c.text('Not found', 404);
  // Versioned package files: cacheable for a day (the API's no-store applies to everything else).
  return c.body(new Uint8Array(body), 200, { 'content-type': TYPES[extname(file!)], 'cache-control': 'public, max-age=86400' });
}
