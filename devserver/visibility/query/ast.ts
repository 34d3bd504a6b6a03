/** AST of Temporal's list-filter language (the WHERE / ORDER BY / GROUP BY subset of SQL it accepts). */

export type Literal =
  | { kind: 'string'; value: string; pos: number }
  | { kind: 'number'; value: number; raw: string; integer: boolean; pos: number }
  | { kind: 'bool'; value: boolean; pos: number };

export type ComparisonOp = '=' | '!=' | '<' | '>' | '<=' | '>=';

export interface AttributeRef {
  name: string;
  pos: number;
}

export type Expr =
  | { kind: 'and'; left: Expr; right: Expr }
  | { kind: 'or'; left: Expr; right: Expr }
  | { kind: 'not'; expr: Expr; pos: number }
  | { kind: 'compare'; attr: AttributeRef; op: ComparisonOp; value: Literal; pos: number }
  | { kind: 'in'; attr: AttributeRef; negated: boolean; values: Literal[]; pos: number }
  | { kind: 'between'; attr: AttributeRef; negated: boolean; from: Literal; to: Literal; pos: number }
  | { kind: 'startsWith'; attr: AttributeRef; negated: boolean; value: Literal; pos: number }
  | { kind: 'isNull'; attr: AttributeRef; negated: boolean; pos: number };

export interface OrderItem {
  attr: AttributeRef;
  direction: 'asc' | 'desc';
}

export interface Query {
  where: Expr | null;
  groupBy: AttributeRef[];
  orderBy: OrderItem[];
}
