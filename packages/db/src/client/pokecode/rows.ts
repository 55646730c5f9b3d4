import type { Device, Job, Session, SessionMessage } from '@agentstate/schema/pokecode';
import { fromMillis, fromSeconds } from '../shared/time.ts';

/** SQL rows (snake_case, Unix seconds) to the schema's typed rows (camelCase, Date). */

type Row = Record<string, unknown>;
const json = (value: unknown): unknown => (value === null ? null : JSON.parse(value as string));

export function toSession(r: Row): Session {
  return {
    id: r.id as string,
    provider: r.provider as Session['provider'],
    projectPath: r.project_path as string,
    name: r.name as string,
    context: r.context as string | null,
    claudeDirectoryPath: r.claude_directory_path as string | null,
    metadata: json(r.metadata) as Session['metadata'],
    createdAt: fromSeconds(r.created_at as number),
    updatedAt: fromSeconds(r.updated_at as number),
    lastAccessedAt: fromSeconds(r.last_accessed_at as number),
    isWorking: r.is_working === 1,
    currentJobId: r.current_job_id as string | null,
    lastJobStatus: r.last_job_status as string | null,
    messageCount: r.message_count as number,
    tokenCount: r.token_count as number,
    lastMessageSentAt: fromSeconds(r.last_message_sent_at as number | null),
    state: r.state as Session['state'],
  };
}

export function toMessage(r: Row): SessionMessage {
  return {
    id: r.id as string,
    sessionId: r.session_id as string,
    provider: r.provider as SessionMessage['provider'],
    type: r.type as SessionMessage['type'],
    contentData: r.content_data as string | null,
    providerSessionId: r.provider_session_id as string | null,
    tokenCount: r.token_count as number | null,
    createdAt: fromSeconds(r.created_at as number),
  };
}

export function toJob(r: Row): Job {
  return {
    id: r.id as string,
    sessionId: r.session_id as string,
    promptId: r.prompt_id as string,
    provider: r.provider as Job['provider'],
    status: r.status as Job['status'],
    data: JSON.parse(r.data as string) as Job['data'],
    attempts: r.attempts as number,
    maxAttempts: r.max_attempts as number,
    createdAt: fromSeconds(r.created_at as number),
    startedAt: fromSeconds(r.started_at as number | null),
    completedAt: fromSeconds(r.completed_at as number | null),
    error: r.error as string | null,
    nextRetryAt: fromSeconds(r.next_retry_at as number | null),
    leaseOwner: r.lease_owner as string | null,
    leaseToken: r.lease_token as string | null,
    progress: (r.progress as number | null | undefined) ?? null,
    leaseExpiresAt: fromMillis(r.lease_expires_at as number | null),
  };
}

export function toDevice(r: Row): Device {
  return {
    deviceId: r.device_id as string,
    deviceName: r.device_name as string,
    platform: r.platform as string | null,
    appVersion: r.app_version as string | null,
    createdAt: fromSeconds(r.created_at as number),
    updatedAt: fromSeconds(r.updated_at as number),
    lastConnectedAt: fromSeconds(r.last_connected_at as number),
  };
}
