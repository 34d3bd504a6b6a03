/**
 * WorkflowService and OperatorService handlers for visibility. Each takes the decoded request message and
 * returns a plain response object (see RpcHandler in ../errors).
 */
import type { Executor } from '../../db/connection';
import { InvalidArgumentError, type OperatorServiceHandlers, type WorkflowRequest, type WorkflowServiceHandlers } from '../errors';
import { addSearchAttributes, allCustomSearchAttributes, customSearchAttributes, removeSearchAttributes } from './registry';
import {
  PREDEFINED_SEARCH_ATTRIBUTES,
  saTypeToEnum,
  SYSTEM_SEARCH_ATTRIBUTES,
  type SaType,
} from './search-attributes';
import { countExecutions, listExecutions } from './store';

export interface VisibilityHandlerDeps {
  db: Executor;
  /** Throws NamespaceNotFoundError for an unknown namespace. */
  resolveNamespace(name: string): Promise<{ id: string; name: string }>;
  /** Clock for registration timestamps (default: wall clock). */
  now?: () => Date;
}

export interface VisibilityHandlers {
  workflowService: Required<Pick<WorkflowServiceHandlers, 'ListWorkflowExecutions' | 'ScanWorkflowExecutions' | 'CountWorkflowExecutions' | 'GetSearchAttributes'>>;
  operatorService: Required<Pick<OperatorServiceHandlers, 'AddSearchAttributes' | 'RemoveSearchAttributes' | 'ListSearchAttributes'>>;
}

/** Storage type shown by ListSearchAttributes (informational, like Temporal's storage_schema). */
const STORAGE_TYPE: Record<SaType, string> = {
  Keyword: 'jsonb text',
  Text: 'jsonb text (tsvector match)',
  Int: 'jsonb bigint',
  Double: 'jsonb float8',
  Bool: 'jsonb boolean',
  Datetime: 'jsonb timestamptz',
  KeywordList: 'jsonb array',
};

function toEnumMap(m: Record<string, SaType>): Record<string, number> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, saTypeToEnum(v)]));
}

export function createVisibilityHandlers(deps: VisibilityHandlerDeps): VisibilityHandlers {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());

  const namespaceOf = async (name: string | null | undefined) => {
    if (!name) throw new InvalidArgumentError('Namespace not set on request.');
    return deps.resolveNamespace(name);
  };
  /** The operator service falls back to "default" like the Temporal CLI does. */
  const operatorNamespace = (name: string | null | undefined) => deps.resolveNamespace(name || 'default');

  const list = async (req: WorkflowRequest<'ListWorkflowExecutions'> | WorkflowRequest<'ScanWorkflowExecutions'>) => {
    const ns = await namespaceOf(req.namespace);
    const res = await listExecutions(db, ns.id, {
      query: req.query,
      pageSize: req.pageSize,
      nextPageToken: req.nextPageToken,
    });
    return { executions: res.executions, nextPageToken: res.nextPageToken };
  };

  return {
    workflowService: {
      ListWorkflowExecutions: list,
      ScanWorkflowExecutions: list,
      CountWorkflowExecutions: async (req) => {
        const ns = await namespaceOf(req.namespace);
        const res = await countExecutions(db, ns.id, req.query);
        return { count: res.count, groups: res.groups };
      },
      GetSearchAttributes: async () => ({
        keys: toEnumMap({
          ...(await allCustomSearchAttributes(db)),
          ...PREDEFINED_SEARCH_ATTRIBUTES,
          ...SYSTEM_SEARCH_ATTRIBUTES,
        }),
      }),
    },
    operatorService: {
      AddSearchAttributes: async (req) => {
        const ns = await operatorNamespace(req.namespace);
        await addSearchAttributes(db, ns.id, req.searchAttributes ?? {}, now());
        return {};
      },
      RemoveSearchAttributes: async (req) => {
        const ns = await operatorNamespace(req.namespace);
        await removeSearchAttributes(db, ns.id, req.searchAttributes ?? []);
        return {};
      },
      ListSearchAttributes: async (req) => {
        const ns = await operatorNamespace(req.namespace);
        const custom = await customSearchAttributes(db, ns.id);
        const system = { ...PREDEFINED_SEARCH_ATTRIBUTES, ...SYSTEM_SEARCH_ATTRIBUTES };
        return {
          customAttributes: toEnumMap(custom),
          systemAttributes: toEnumMap(system),
          storageSchema: Object.fromEntries(Object.entries(custom).map(([k, v]) => [k, STORAGE_TYPE[v]])),
        };
      },
    },
  };
}
