/** GetSystemInfo, GetClusterInfo and the namespace RPCs. */
import { randomUUID } from 'node:crypto';
import { InvalidArgumentError, namespaceAlreadyExists, namespaceNotFound, type WorkflowServiceHandlers } from '../errors';
import { durFromMs, enums, msFromDur } from '../proto';
import * as store from '../storage/store';
import type { Engine, Namespace } from '../engine/engine';

 
export const SERVER_VERSION = '1.27.0-devserver';
const DAY = 24 * 3600 * 1000;

/** What a namespace's jsonb config holds (as RegisterNamespace/UpdateNamespace write it). */
interface NamespaceConfig {
  description?: string;
  ownerEmail?: string;
  data?: Record<string, string>;
  retentionMs?: number;
}

export function describeNamespaceResponse(ns: Namespace) {
  const c = ns.config as NamespaceConfig;
  return {
    namespaceInfo: {
      name: ns.name,
      state: enums.NamespaceState.NAMESPACE_STATE_REGISTERED,
      description: c.description ?? '',
      ownerEmail: c.ownerEmail ?? '',
      data: c.data ?? {},
      id: ns.id,
      capabilities: { eagerWorkflowStart: true, syncUpdate: true, asyncUpdate: true },
      supportsSchedules: false,
    },
    config: {
      workflowExecutionRetentionTtl: durFromMs(c.retentionMs ?? DAY),
      historyArchivalState: enums.ArchivalState.ARCHIVAL_STATE_DISABLED,
      visibilityArchivalState: enums.ArchivalState.ARCHIVAL_STATE_DISABLED,
    },
    replicationConfig: { activeClusterName: 'active', clusters: [{ clusterName: 'active' }] },
    failoverVersion: 0,
    isGlobalNamespace: false,
  };
}

export function namespaceHandlers(engine: Engine): WorkflowServiceHandlers {
  return {
    async GetSystemInfo() {
      return {
        serverVersion: SERVER_VERSION,
        capabilities: {
          signalAndQueryHeader: true,
          internalErrorDifferentiation: true,
          activityFailureIncludeHeartbeat: true,
          supportsSchedules: false,
          encodedFailureAttributes: true,
          buildIdBasedVersioning: false,
          upsertMemo: true,
          eagerWorkflowStart: true,
          sdkMetadata: true,
          countGroupByExecutionStatus: true,
          nexus: false,
        },
      };
    },

    async GetClusterInfo() {
      return {
        supportedClients: {},
        serverVersion: SERVER_VERSION,
        clusterId: 'devserver',
        clusterName: 'active',
        historyShardCount: 1,
        persistenceStore: 'postgres',
        visibilityStore: 'postgres',
      };
    },

    async DescribeNamespace(req) {
      if (req.id) return describeNamespaceResponse(await engine.namespaceById(req.id));
      if (!req.namespace) throw new InvalidArgumentError('Namespace not set on request.');
      return describeNamespaceResponse(await engine.namespace(req.namespace));
    },

    async ListNamespaces() {
      const rows = await store.listNamespaces(engine.db);
      return { namespaces: rows.map(describeNamespaceResponse), nextPageToken: null };
    },

    async RegisterNamespace(req) {
      const name = req.namespace;
      if (!name) throw new InvalidArgumentError('Namespace not set on request.');
      const id = randomUUID();
      const ok = await store.insertNamespace(engine.db, {
        id,
        name,
        config: {
          description: req.description ?? '',
          ownerEmail: req.ownerEmail ?? '',
          retentionMs: msFromDur(req.workflowExecutionRetentionPeriod) || DAY,
          data: req.data ?? {},
        },
      });
      if (!ok) throw namespaceAlreadyExists(name);
      await engine.namespaceCreated(id);
      return {};
    },

    async UpdateNamespace(req) {
      const ns = await engine.namespace(req.namespace).catch(() => {
        throw namespaceNotFound(req.namespace ?? '');
      });
      return describeNamespaceResponse(ns);
    },
  };
}
