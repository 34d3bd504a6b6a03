/** Task tokens as value objects: JSON inside the opaque bytes the SDK hands back. */
import { InvalidArgumentError, notFound } from '../errors';

export interface WorkflowTaskToken {
  k: 'w';
  ns: string; // namespace id
  wf: string;
  run: string;
  sched: number;
  att: number;
}
export interface ActivityTaskToken {
  k: 'a';
  ns: string;
  wf: string;
  run: string;
  sched: number;
  att: number;
  aid: string;
}
export interface QueryTaskToken {
  k: 'q';
  ns: string;
  qid: string;
}
export type TaskToken = WorkflowTaskToken | ActivityTaskToken | QueryTaskToken;

export function encodeToken(t: TaskToken): Buffer {
  return Buffer.from(JSON.stringify(t), 'utf8');
}

export function decodeToken<K extends TaskToken['k']>(bytes: Uint8Array | null | undefined, kind: K): Extract<TaskToken, { k: K }> {
  if (!bytes || bytes.length === 0) throw new InvalidArgumentError('Task token not set on request.');
  let t: TaskToken;
  try {
    t = JSON.parse(Buffer.from(bytes).toString('utf8')) as TaskToken;
  } catch {
    throw new InvalidArgumentError('Error deserializing task token.');
  }
  if (!t || t.k !== kind) throw notFound('Task token does not match the task kind.');
  return t as Extract<TaskToken, { k: K }>;
}
