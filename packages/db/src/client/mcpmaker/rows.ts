import type { PlaybackLog, Session, Workflow } from '@agentstate/schema/mcpmaker';
import { fromMillis, fromText } from '../shared/time.ts';

type Row = Record<string, unknown>;

export function toWorkflow(r: Row): Workflow {
  return {
    id: r.id as string,
    name: r.name as string,
    sitePattern: r.site_pattern as string,
    definition:
      r.definition === null ? null : (JSON.parse(r.definition as string) as Workflow['definition']),
    mcpServerPath: r.mcp_server_path as string | null,
    mcpServerStatus: r.mcp_server_status as Workflow['mcpServerStatus'],
    createdAt: fromText(r.created_at as string),
    updatedAt: fromText(r.updated_at as string),
  };
}

export function toSession(r: Row): Session {
  return {
    id: r.id as string,
    workflowId: r.workflow_id as string | null,
    workflowName: r.workflow_name as string,
    url: r.url as string,
    startedAt: fromMillis(r.started_at as number),
    endedAt: fromMillis(r.ended_at as number),
    domEvents: JSON.parse(r.dom_events as string) as Session['domEvents'],
    networkEvents: JSON.parse(r.network_events as string) as Session['networkEvents'],
    correlations: JSON.parse(r.correlations as string) as Session['correlations'],
    createdAt: fromText(r.created_at as string),
  };
}

export function toPlaybackLog(r: Row): PlaybackLog {
  return {
    id: r.id as string,
    workflowId: r.workflow_id as string,
    sitePattern: r.site_pattern as string,
    timestamp: fromMillis(r.timestamp as number),
    data: JSON.parse(r.data as string) as PlaybackLog['data'],
    outcome: r.outcome as PlaybackLog['outcome'],
    insights: r.insights as string | null,
  };
}
