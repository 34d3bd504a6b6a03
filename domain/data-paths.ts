/**
 * The one module for dotted field paths ("mother.fullName") into a case's data (pure, sandbox-safe: workflows,
 * charts, activities, the API and the console use it). A case's data is one nested object (`{ mother: { personalId } }`);
 * the HTTP API's flat maps of dotted names (`{ "mother.personalId": … }`) become that object at the edge
 * (`nestPaths`), and a flat view is only taken where each field is looked at by name (`flattenPaths`).
 */

type Node = Record<string, unknown>;

const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The value at `path`, or undefined when any part of it is missing. */
export function getPath(data: unknown, path: string): unknown {
  let node: unknown = data;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Node)[part];
  }
  return node;
}

/** Sets `path` in `target`, creating the objects on the way (changes `target`). */
export function setPath(target: Node, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (!isNode(node[part])) node[part] = {};
    node = node[part] as Node;
  }
  node[parts[parts.length - 1]] = value;
}

/** The last name of a path ("child.dateOfBirth" → "dateOfBirth"). */
export function pathLeaf(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

/** The path of a sibling field ("registration.communeCode", "provinceCode" → "registration.provinceCode"). */
export function siblingPath(path: string, name: string): string {
  const dot = path.lastIndexOf('.');
  return dot < 0 ? name : `${path.slice(0, dot)}.${name}`;
}

/** A copy of `data` with `path` set (the objects along the path are copied; `data` is not changed). */
export function withPath<T extends Node>(data: T, path: string, value: unknown): T {
  const [head, ...rest] = path.split('.');
  if (rest.length === 0) return { ...data, [head]: value };
  const child = isNode(data[head]) ? (data[head] as Node) : {};
  return { ...data, [head]: withPath(child, rest.join('.'), value) };
}

/** { "child.fullName": "An" } → { child: { fullName: "An" } } */
export function nestPaths(flat: Readonly<Node>): Node {
  const out: Node = {};
  for (const [path, value] of Object.entries(flat)) setPath(out, path, value);
  return out;
}

/** { mother: { personalId } } → { "mother.personalId" } (arrays are values; a flat map is returned as it is). */
export function flattenPaths(data: Readonly<Node>, prefix = ''): Node {
  const out: Node = {};
  for (const [key, value] of Object.entries(data)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isNode(value)) Object.assign(out, flattenPaths(value, path));
    else out[path] = value;
  }
  return out;
}
