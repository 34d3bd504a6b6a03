/**
 * One table of error codes (domain/error-codes.ts): every code the sources raise is in it, no two error classes
 * declare the same code, and each code has its HTTP status and a description. Scans the sources as text.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, httpStatusOf, isErrorCode, type ErrorCode } from '../../domain/error-codes';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The engine's layers; the devserver (a separate gRPC server) keeps its own codes, checked for duplicates only. */
const ENGINE_DIRS = ['activities', 'api', 'db', 'designer', 'domain', 'identity', 'ops', 'procedures', 'scripts', 'web', 'worker', 'workflows'];
const ALL_DIRS = [...ENGINE_DIRS, 'devserver'];

function sourcesOf(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((f) => f.isFile() && f.name.endsWith('.ts') && !f.name.endsWith('.d.ts'))
    .map((f) => join(f.parentPath, f.name));
}

const CODE = `'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{4,})'`;
/** Where a code appears as an error's code: a class field, a constructor's super call, an error body, a carrier. */
const USE_PATTERNS = [
  new RegExp(`\\bcode = ${CODE}`, 'g'),
  new RegExp(`\\bcode: ${CODE}`, 'g'),
  new RegExp(`\\bsuper\\((?:[\\w.]+, )?${CODE}`, 'g'),
  new RegExp(`(?:Error|answerFor)\\(${CODE}`, 'g'),
  new RegExp(`\\btype: ${CODE}, message`, 'g'),
];
/** A class declaring its code: `readonly code = 'X'` or `super('X'` (optionally after a status) in its body. */
const CLASS_CODE = new RegExp(`(?:readonly code = |\\bsuper\\((?:[\\w.]+, )?)${CODE}`);

interface Found {
  code: string;
  where: string;
}

function scan(dirs: string[]): { uses: Found[]; classes: Found[] } {
  const uses: Found[] = [];
  const classes: Found[] = [];
  for (const file of dirs.flatMap(sourcesOf)) {
    const text = readFileSync(file, 'utf8');
    const rel = relative(ROOT, file);
    for (const re of USE_PATTERNS) for (const m of text.matchAll(re)) uses.push({ code: m[1], where: rel });
    // Each class body up to the next class: the code it declares, if any.
    const parts = text.split(/\bclass\s+(?=\w+[^{]*\{)/).slice(1);
    for (const part of parts) {
      const name = /^\w+/.exec(part)?.[0] ?? '?';
      const m = CLASS_CODE.exec(part.split(/\n\}\n/)[0]);
      if (m) classes.push({ code: m[1], where: `${rel} ${name}` });
    }
  }
  return { uses, classes };
}

describe('error codes: one table', () => {
  it('every code the engine raises is in the table', () => {
    const { uses } = scan(ENGINE_DIRS);
    expect(uses.length).toBeGreaterThan(100);
    const unknown = uses.filter((u) => !isErrorCode(u.code)).map((u) => `${u.code} (${u.where})`);
    expect(unknown).toEqual([]);
  });

  it('no code is declared by two error classes', () => {
    const { classes } = scan(ALL_DIRS);
    expect(classes.length).toBeGreaterThan(50);
    const byCode = new Map<string, string[]>();
    for (const c of classes) byCode.set(c.code, [...(byCode.get(c.code) ?? []), c.where]);
    const twice = [...byCode].filter(([, where]) => where.length > 1);
    expect(twice).toEqual([]);
  });

  it('maps every code to an HTTP error status, with a description', () => {
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      expect([400, 401, 403, 404, 409, 413, 422, 429, 500, 503]).toContain(httpStatusOf(code));
      expect(ERROR_CODES[code].description.length).toBeGreaterThan(10);
    }
  });

  it('the scan sees a class declaring a code twice (the check can fail)', () => {
    const text = "class A extends Error {\n  readonly code = 'CASE_NOT_FOUND';\n}\nclass B extends X {\n  constructor() {\n    super('CASE_NOT_FOUND', 'm');\n  }\n}\n";
    const found = text.split(/\bclass\s+(?=\w+[^{]*\{)/).slice(1).map((p) => CLASS_CODE.exec(p.split(/\n\}\n/)[0])?.[1]);
    expect(found).toEqual(['CASE_NOT_FOUND', 'CASE_NOT_FOUND']);
  });
});
