/**
 * Tokenizer for the list-filter language. Pure. Positions are 0-based character offsets into the query.
 * Strings: single or double quoted; a doubled quote or a backslash escapes (\\n, \\t, \\r, \\b, \\0 are decoded).
 * Identifiers: [A-Za-z_][A-Za-z0-9_]* or `back-quoted`. Keywords are case-insensitive.
 */
import { QuerySyntaxError } from '../errors';

export const KEYWORDS = [
  'AND', 'OR', 'NOT', 'IN', 'BETWEEN', 'STARTS_WITH', 'IS', 'NULL', 'ORDER', 'GROUP', 'BY', 'ASC', 'DESC',
  'TRUE', 'FALSE', 'LIKE', 'LIMIT',
] as const;
export type Keyword = (typeof KEYWORDS)[number];
const keywordSet = new Set<string>(KEYWORDS);

export type Token =
  | { type: 'ident'; value: string; pos: number; quoted: boolean }
  | { type: 'keyword'; value: Keyword; pos: number; text: string }
  | { type: 'string'; value: string; pos: number }
  | { type: 'number'; value: string; pos: number }
  | { type: 'op'; value: '=' | '!=' | '<' | '>' | '<=' | '>='; pos: number; text: string }
  | { type: 'lparen' | 'rparen' | 'comma'; pos: number }
  | { type: 'eof'; pos: number };

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', '0': '\0' };

export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = input.length;
  while (i < n) {
    const c = input[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ type: c === '(' ? 'lparen' : c === ')' ? 'rparen' : 'comma', pos: start });
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= n) throw new QuerySyntaxError(start, 'unterminated string literal');
        const d = input[i];
        if (d === '\\') {
          if (i + 1 >= n) throw new QuerySyntaxError(start, 'unterminated string literal');
          const e = input[i + 1];
          value += ESCAPES[e] ?? e;
          i += 2;
        } else if (d === c) {
          if (input[i + 1] === c) {
            value += c;
            i += 2;
          } else {
            i++;
            break;
          }
        } else {
          value += d;
          i++;
        }
      }
      tokens.push({ type: 'string', value, pos: start });
      continue;
    }
    if (c === '`') {
      const end = input.indexOf('`', i + 1);
      if (end < 0) throw new QuerySyntaxError(start, 'unterminated back-quoted name');
      const name = input.slice(i + 1, end);
      if (name === '') throw new QuerySyntaxError(start, 'empty back-quoted name');
      tokens.push({ type: 'ident', value: name, pos: start, quoted: true });
      i = end + 1;
      continue;
    }
    const num = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?/.exec(input.slice(i));
    if (num && (c !== '-' && c !== '+' ? true : num[0].length > 1)) {
      const after = input[i + num[0].length];
      if (after !== undefined && /[A-Za-z_]/.test(after)) {
        throw new QuerySyntaxError(start, `invalid number '${num[0]}${after}'`);
      }
      tokens.push({ type: 'number', value: num[0], pos: start });
      i += num[0].length;
      continue;
    }
    const two = input.slice(i, i + 2);
    if (two === '!=' || two === '<>' || two === '<=' || two === '>=') {
      tokens.push({ type: 'op', value: two === '<>' ? '!=' : two, pos: start, text: two });
      i += 2;
      continue;
    }
    if (c === '=' || c === '<' || c === '>') {
      tokens.push({ type: 'op', value: c, pos: start, text: c });
      i++;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(input.slice(i));
    if (word) {
      const upper = word[0].toUpperCase();
      if (keywordSet.has(upper)) tokens.push({ type: 'keyword', value: upper as Keyword, pos: start, text: word[0] });
      else tokens.push({ type: 'ident', value: word[0], pos: start, quoted: false });
      i += word[0].length;
      continue;
    }
    throw new QuerySyntaxError(start, `unexpected character '${c}'`);
  }
  tokens.push({ type: 'eof', pos: n });
  return tokens;
}

export function describeToken(t: Token): string {
  switch (t.type) {
    case 'ident':
      return `'${t.value}'`;
    case 'keyword':
      return `'${t.text}'`;
    case 'string':
      return `string '${t.value}'`;
    case 'number':
      return `number ${t.value}`;
    case 'op':
      return `'${t.text}'`;
    case 'lparen':
      return "'('";
    case 'rparen':
      return "')'";
    case 'comma':
      return "','";
    case 'eof':
      return 'end of query';
  }
}
