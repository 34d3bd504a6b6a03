/**
 * Recursive-descent parser for Temporal's list-filter language. Pure: string in, AST out, or a
 * QuerySyntaxError naming the 0-based position of the problem.
 *
 *   query     := [expr] [GROUP BY name (',' name)*] [ORDER BY name [ASC|DESC] (',' name [ASC|DESC])*]
 *   expr      := and (OR and)*
 *   and       := unary (AND unary)*
 *   unary     := NOT unary | '(' expr ')' | predicate
 *   predicate := name ( op value | [NOT] IN '(' value (',' value)* ')' | [NOT] BETWEEN value AND value
 *                     | [NOT] STARTS_WITH value | IS [NOT] NULL )
 *   op        := '=' | '!=' | '<>' | '<' | '>' | '<=' | '>='
 *   value     := 'string' | "string" | number | TRUE | FALSE
 */
import { QuerySyntaxError } from '../errors';
import type { AttributeRef, Expr, Literal, OrderItem, Query } from './ast';
import { describeToken, tokenize, type Keyword, type Token } from './tokenizer';

export function parseQuery(input: string): Query {
  return new Parser(tokenize(input)).parseQuery();
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
  }
  private next(): Token {
    const t = this.peek();
    if (t.type !== 'eof') this.i++;
    return t;
  }
  private isKeyword(t: Token, kw: Keyword): boolean {
    return t.type === 'keyword' && t.value === kw;
  }
  private acceptKeyword(kw: Keyword): Token | null {
    if (this.isKeyword(this.peek(), kw)) return this.next();
    return null;
  }
  private fail(t: Token, detail: string): never {
    throw new QuerySyntaxError(t.pos, detail);
  }
  private expectKeyword(kw: Keyword, after: string): Token {
    const t = this.peek();
    if (!this.isKeyword(t, kw)) this.fail(t, `expected ${kw} after ${after}, found ${describeToken(t)}`);
    return this.next();
  }

  parseQuery(): Query {
    const first = this.peek();
    let where: Expr | null = null;
    if (first.type === 'eof') return { where, groupBy: [], orderBy: [] };
    if (!this.isKeyword(first, 'ORDER') && !this.isKeyword(first, 'GROUP')) where = this.parseOr();
    const groupBy: AttributeRef[] = [];
    const orderBy: OrderItem[] = [];
    if (this.acceptKeyword('GROUP')) {
      this.expectKeyword('BY', "'GROUP'");
      do groupBy.push(this.parseName("'GROUP BY'"));
      while (this.peek().type === 'comma' && this.next());
    }
    if (this.acceptKeyword('ORDER')) {
      this.expectKeyword('BY', "'ORDER'");
      do {
        const attr = this.parseName("'ORDER BY'");
        let direction: 'asc' | 'desc' = 'asc';
        if (this.acceptKeyword('DESC')) direction = 'desc';
        else this.acceptKeyword('ASC');
        orderBy.push({ attr, direction });
      } while (this.peek().type === 'comma' && this.next());
    }
    const end = this.peek();
    if (end.type !== 'eof') {
      if (this.isKeyword(end, 'LIMIT')) this.fail(end, "'LIMIT' is not supported; use the page size");
      if (end.type === 'rparen') this.fail(end, "unbalanced ')'");
      if (where && (end.type === 'ident' || end.type === 'lparen' || end.type === 'string' || end.type === 'number'))
        this.fail(end, `expected AND, OR, ORDER BY or end of query, found ${describeToken(end)}`);
      this.fail(end, `unexpected ${describeToken(end)}`);
    }
    return { where, groupBy, orderBy };
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.acceptKeyword('OR')) left = { kind: 'or', left, right: this.parseAnd() };
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseUnary();
    while (this.acceptKeyword('AND')) left = { kind: 'and', left, right: this.parseUnary() };
    return left;
  }

  private parseUnary(): Expr {
    const t = this.peek();
    if (this.isKeyword(t, 'NOT')) {
      this.next();
      return { kind: 'not', expr: this.parseUnary(), pos: t.pos };
    }
    if (t.type === 'lparen') {
      this.next();
      if (this.peek().type === 'rparen') this.fail(this.peek(), "expected an expression after '('");
      const inner = this.parseOr();
      const close = this.peek();
      if (close.type !== 'rparen') this.fail(close, `expected ')' to close '(' at position ${t.pos}, found ${describeToken(close)}`);
      this.next();
      return inner;
    }
    return this.parsePredicate();
  }

  private parseName(context: string): AttributeRef {
    const t = this.peek();
    if (t.type === 'ident') {
      this.next();
      return { name: t.value, pos: t.pos };
    }
    if (t.type === 'eof') this.fail(t, `expected a search attribute name after ${context}`);
    this.fail(t, `expected a search attribute name, found ${describeToken(t)}`);
  }

  private parsePredicate(): Expr {
    const start = this.peek();
    if (start.type === 'eof') this.fail(start, 'expected a condition');
    const attr = this.parseName('the start of a condition');
    const t = this.peek();
    if (t.type === 'op') {
      this.next();
      const value = this.parseValue(`'${t.text}'`);
      return { kind: 'compare', attr, op: t.value, value, pos: t.pos };
    }
    if (this.isKeyword(t, 'IS')) {
      this.next();
      const negated = !!this.acceptKeyword('NOT');
      const nullTok = this.peek();
      if (!this.isKeyword(nullTok, 'NULL')) this.fail(nullTok, `expected NULL after 'IS${negated ? ' NOT' : ''}', found ${describeToken(nullTok)}`);
      this.next();
      return { kind: 'isNull', attr, negated, pos: t.pos };
    }
    let negated = false;
    if (this.isKeyword(t, 'NOT')) {
      const op = this.peek(1);
      if (!this.isKeyword(op, 'IN') && !this.isKeyword(op, 'BETWEEN') && !this.isKeyword(op, 'STARTS_WITH'))
        this.fail(op, `expected IN, BETWEEN or STARTS_WITH after 'NOT', found ${describeToken(op)}`);
      this.next();
      negated = true;
    }
    const op = this.peek();
    if (this.isKeyword(op, 'IN')) {
      this.next();
      const open = this.peek();
      if (open.type !== 'lparen') this.fail(open, `expected '(' after 'IN', found ${describeToken(open)}`);
      this.next();
      const values: Literal[] = [this.parseValue("'('")];
      while (this.peek().type === 'comma') {
        this.next();
        values.push(this.parseValue("','"));
      }
      const close = this.peek();
      if (close.type !== 'rparen') this.fail(close, `expected ',' or ')' in the IN list, found ${describeToken(close)}`);
      this.next();
      return { kind: 'in', attr, negated, values, pos: op.pos };
    }
    if (this.isKeyword(op, 'BETWEEN')) {
      this.next();
      const from = this.parseValue("'BETWEEN'");
      this.expectKeyword('AND', 'the lower bound of BETWEEN');
      const to = this.parseValue("'AND'");
      return { kind: 'between', attr, negated, from, to, pos: op.pos };
    }
    if (this.isKeyword(op, 'STARTS_WITH')) {
      this.next();
      const value = this.parseValue("'STARTS_WITH'");
      return { kind: 'startsWith', attr, negated, value, pos: op.pos };
    }
    if (this.isKeyword(op, 'LIKE')) this.fail(op, "'LIKE' is not supported; use STARTS_WITH");
    if (op.type === 'eof') this.fail(op, `expected an operator after '${attr.name}'`);
    this.fail(op, `expected an operator after '${attr.name}', found ${describeToken(op)}`);
  }

  private parseValue(after: string): Literal {
    const t = this.peek();
    if (t.type === 'string') {
      this.next();
      return { kind: 'string', value: t.value, pos: t.pos };
    }
    if (t.type === 'number') {
      this.next();
      const integer = /^[-+]?\d+$/.test(t.value);
      return { kind: 'number', value: Number(t.value), raw: t.value, integer, pos: t.pos };
    }
    if (this.isKeyword(t, 'TRUE') || this.isKeyword(t, 'FALSE')) {
      this.next();
      return { kind: 'bool', value: this.isKeyword(t, 'TRUE'), pos: t.pos };
    }
    if (t.type === 'ident')
      this.fail(t, `expected a value after ${after}, found name '${t.value}' (did you forget to quote it?)`);
    if (t.type === 'eof') this.fail(t, `expected a value after ${after}`);
    this.fail(t, `expected a value after ${after}, found ${describeToken(t)}`);
  }
}
