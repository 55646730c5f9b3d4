import type { DatabaseName } from '../src/registry.ts';

/**
 * The live schema each database must have after its migrations, written out table by table from
 * the seed documents (../../shared/seeds) and, where a seed is silent, from what the original tool
 * does. Columns are [SQL type, NOT NULL, default as SQLite reports it, primary-key position].
 * Index columns carry ` desc` where the index is descending.
 */
export interface TableSpec {
  columns: Record<
    string,
    [type: string, notNull: boolean, defaultValue: string | null, pk: number]
  >;
  indexes?: Record<string, { columns: string[]; unique?: boolean; where?: string }>;
  foreignKeys?: Array<{ from: string; table: string; to: string; onDelete: string }>;
}

const NOW = "datetime('now')";

/** The databases the seed documents specify (a database added later has none). */
export const seedSpecs: Partial<Record<DatabaseName, Record<string, TableSpec>>> = {
  mcpmaker: {
    sessions: {
      columns: {
        id: ['text', true, null, 1],
        workflow_id: ['text', false, null, 0],
        workflow_name: ['text', true, null, 0],
        url: ['text', true, null, 0],
        started_at: ['integer', true, null, 0],
        ended_at: ['integer', true, null, 0],
        dom_events: ['text', true, "'[]'", 0],
        network_events: ['text', true, "'[]'", 0],
        correlations: ['text', true, "'[]'", 0],
        created_at: ['text', true, NOW, 0],
      },
      indexes: { idx_sessions_workflow_id: { columns: ['workflow_id'] } },
      foreignKeys: [{ from: 'workflow_id', table: 'workflows', to: 'id', onDelete: 'NO ACTION' }],
    },
    workflows: {
      columns: {
        id: ['text', true, null, 1],
        name: ['text', true, null, 0],
        site_pattern: ['text', true, "''", 0],
        definition: ['text', false, null, 0],
        mcp_server_path: ['text', false, null, 0],
        mcp_server_status: ['text', false, "'stopped'", 0],
        created_at: ['text', true, NOW, 0],
        updated_at: ['text', true, NOW, 0],
      },
    },
    workflow_sessions: {
      columns: {
        workflow_id: ['text', true, null, 1],
        session_id: ['text', true, null, 2],
      },
      indexes: {
        idx_workflow_sessions_workflow: { columns: ['workflow_id'] },
        idx_workflow_sessions_session: { columns: ['session_id'] },
      },
      foreignKeys: [
        { from: 'workflow_id', table: 'workflows', to: 'id', onDelete: 'CASCADE' },
        { from: 'session_id', table: 'sessions', to: 'id', onDelete: 'CASCADE' },
      ],
    },
    config: {
      columns: { key: ['text', true, null, 1], value: ['text', true, null, 0] },
    },
    playback_logs: {
      columns: {
        id: ['text', true, null, 1],
        workflow_id: ['text', true, null, 0],
        site_pattern: ['text', true, "''", 0],
        timestamp: ['integer', true, null, 0],
        data: ['text', true, "'{}'", 0],
        outcome: ['text', true, "'partial'", 0],
        insights: ['text', false, null, 0],
      },
      indexes: {
        idx_playback_logs_workflow: { columns: ['workflow_id'] },
        idx_playback_logs_site: { columns: ['site_pattern'] },
      },
    },
  },

  multishot: {
    runs: {
      columns: {
        id: ['text', true, null, 1],
        name: ['text', true, null, 0],
        created_at: ['integer', true, null, 0],
        status: ['text', true, null, 0],
        current_round_id: ['text', false, null, 0],
      },
      indexes: { idx_runs_created_at: { columns: ['created_at desc'] } },
      foreignKeys: [{ from: 'current_round_id', table: 'rounds', to: 'id', onDelete: 'NO ACTION' }],
    },
    rounds: {
      columns: {
        id: ['text', true, null, 1],
        run_id: ['text', true, null, 0],
        round_number: ['integer', true, null, 0],
        base_prompt: ['text', true, null, 0],
        created_at: ['integer', true, null, 0],
        winner_agent_id: ['text', false, null, 0],
        winner_files_path: ['text', false, null, 0],
        status: ['text', true, null, 0],
      },
      foreignKeys: [
        { from: 'run_id', table: 'runs', to: 'id', onDelete: 'NO ACTION' },
        { from: 'winner_agent_id', table: 'agents', to: 'id', onDelete: 'NO ACTION' },
      ],
    },
    agents: {
      columns: {
        id: ['text', true, null, 1],
        round_id: ['text', true, null, 0],
        agent_number: ['integer', true, null, 0],
        sandbox_id: ['text', false, null, 0],
        variation_prompt: ['text', true, null, 0],
        status: ['text', true, null, 0],
        created_at: ['integer', true, null, 0],
        completed_at: ['integer', false, null, 0],
        error_message: ['text', false, null, 0],
      },
      indexes: { idx_agents_round_id: { columns: ['round_id'] } },
      foreignKeys: [{ from: 'round_id', table: 'rounds', to: 'id', onDelete: 'NO ACTION' }],
    },
    output_logs: {
      columns: {
        id: ['text', true, null, 1],
        agent_id: ['text', true, null, 0],
        timestamp: ['integer', true, null, 0],
        content: ['text', true, null, 0],
      },
      indexes: { idx_logs_agent_id: { columns: ['agent_id'] } },
      foreignKeys: [{ from: 'agent_id', table: 'agents', to: 'id', onDelete: 'NO ACTION' }],
    },
    credentials: {
      columns: {
        key: ['text', true, null, 1],
        value: ['text', true, null, 0],
        updated_at: ['integer', true, null, 0],
      },
    },
  },

  dipeo: {
    executions: {
      columns: {
        execution_id: ['text', true, null, 1],
        status: ['text', true, null, 0],
        diagram_id: ['text', false, null, 0],
        started_at: ['text', true, null, 0],
        ended_at: ['text', false, null, 0],
        node_states: ['text', true, null, 0],
        node_outputs: ['text', true, null, 0],
        llm_usage: ['text', true, null, 0],
        error: ['text', false, null, 0],
        variables: ['text', true, null, 0],
        exec_counts: ['text', true, "'{}'", 0],
        executed_nodes: ['text', true, "'[]'", 0],
        metrics: ['text', false, 'NULL', 0],
        created_at: ['timestamp', false, 'CURRENT_TIMESTAMP', 0],
        access_count: ['integer', false, '0', 0],
        last_accessed: ['timestamp', false, 'CURRENT_TIMESTAMP', 0],
      },
      indexes: {
        idx_status: { columns: ['status'] },
        idx_started_at: { columns: ['started_at'] },
        idx_diagram_id: { columns: ['diagram_id'] },
        idx_access_count: { columns: ['access_count desc'] },
        idx_last_accessed: { columns: ['last_accessed desc'] },
      },
    },
    messages: {
      columns: {
        id: ['text', true, null, 1],
        execution_id: ['text', true, null, 0],
        node_id: ['text', true, null, 0],
        person_id: ['text', false, null, 0],
        content: ['text', true, null, 0],
        token_count: ['integer', false, null, 0],
        created_at: ['timestamp', false, 'CURRENT_TIMESTAMP', 0],
      },
      indexes: {
        idx_execution: { columns: ['execution_id'] },
        idx_node: { columns: ['node_id'] },
      },
    },
    transitions: {
      columns: {
        id: ['text', true, null, 1],
        execution_id: ['text', true, null, 0],
        node_id: ['text', false, null, 0],
        phase: ['text', true, null, 0],
        seq: ['integer', true, null, 0],
        payload: ['text', true, null, 0],
        created_at: ['text', true, NOW, 0],
      },
      indexes: {
        ux_exec_seq: { columns: ['execution_id', 'seq'], unique: true },
        idx_exec_transitions: { columns: ['execution_id'] },
        idx_created_at: { columns: ['created_at desc'] },
      },
    },
  },

  pokecode: {
    sessions: {
      columns: {
        id: ['text', true, null, 1],
        provider: ['text', true, null, 0],
        project_path: ['text', true, null, 0],
        name: ['text', true, null, 0],
        context: ['text', false, null, 0],
        claude_directory_path: ['text', false, null, 0],
        metadata: ['text', false, null, 0],
        created_at: ['integer', true, null, 0],
        updated_at: ['integer', true, null, 0],
        last_accessed_at: ['integer', true, null, 0],
        is_working: ['integer', true, 'false', 0],
        current_job_id: ['text', false, null, 0],
        last_job_status: ['text', false, null, 0],
        message_count: ['integer', true, '0', 0],
        token_count: ['integer', true, '0', 0],
        state: ['text', true, "'active'", 0],
        // Added by the second migration, so it comes last in the live table.
        last_message_sent_at: ['integer', false, null, 0],
      },
      indexes: {
        idx_sessions_last_accessed: { columns: ['last_accessed_at'] },
        idx_sessions_is_working: { columns: ['is_working'] },
        idx_sessions_last_message_sent: { columns: ['last_message_sent_at'] },
      },
    },
    session_messages: {
      columns: {
        id: ['text', true, null, 1],
        session_id: ['text', true, null, 0],
        provider: ['text', true, null, 0],
        type: ['text', true, null, 0],
        content_data: ['text', false, null, 0],
        provider_session_id: ['text', false, null, 0],
        token_count: ['integer', false, null, 0],
        created_at: ['integer', true, null, 0],
      },
      indexes: {
        idx_session_messages_session_id: { columns: ['session_id'] },
        idx_session_messages_type: { columns: ['type'] },
        idx_session_messages_created_at: { columns: ['created_at'] },
        idx_session_messages_provider: { columns: ['provider'] },
        idx_session_messages_provider_session_id: { columns: ['provider_session_id'] },
      },
      foreignKeys: [{ from: 'session_id', table: 'sessions', to: 'id', onDelete: 'CASCADE' }],
    },
    job_queue: {
      columns: {
        id: ['text', true, null, 1],
        session_id: ['text', true, null, 0],
        prompt_id: ['text', true, null, 0],
        provider: ['text', true, null, 0],
        status: ['text', true, "'pending'", 0],
        data: ['text', true, null, 0],
        attempts: ['integer', true, '0', 0],
        max_attempts: ['integer', true, '3', 0],
        created_at: ['integer', true, null, 0],
        started_at: ['integer', false, null, 0],
        completed_at: ['integer', false, null, 0],
        error: ['text', false, null, 0],
        next_retry_at: ['integer', false, null, 0],
        // Leases, added by migration 0002_add_job_leases.
        lease_owner: ['text', false, null, 0],
        lease_token: ['text', false, null, 0],
        lease_expires_at: ['integer', false, null, 0],
        // Added by migration 0006_job_progress: what the running job's worker last reported.
        progress: ['real', false, null, 0],
      },
      indexes: {
        idx_job_queue_status: { columns: ['status'] },
        idx_job_queue_next_retry: { columns: ['next_retry_at'] },
        idx_job_queue_session_id: { columns: ['session_id'] },
        idx_job_queue_created_at: { columns: ['created_at'] },
      },
    },
    devices: {
      columns: {
        device_id: ['text', true, null, 1],
        device_name: ['text', true, null, 0],
        platform: ['text', false, null, 0],
        app_version: ['text', false, null, 0],
        created_at: ['integer', true, null, 0],
        updated_at: ['integer', true, null, 0],
        last_connected_at: ['integer', true, null, 0],
      },
      indexes: { idx_devices_last_connected_at: { columns: ['last_connected_at'] } },
    },
  },

  engine: {
    sessions: {
      columns: {
        id: ['text', true, null, 1],
        claude_session_id: ['text', false, null, 0],
        conversation_id: ['text', false, null, 0],
        role: ['text', true, null, 0],
        mode: ['text', true, "'interactive'", 0],
        current_state: ['text', true, "'idle'", 0],
        status_text: ['text', false, null, 0],
        tmux_window: ['text', false, null, 0],
        tmux_pane: ['text', false, null, 0],
        started_at: ['text', true, null, 0],
        ended_at: ['text', false, null, 0],
        end_reason: ['text', false, null, 0],
        // Added by migration 0002 (the seed's 028_context_warning_tracking).
        context_warning_level: ['integer', true, '0', 0],
      },
      indexes: {
        idx_sessions_conversation: { columns: ['conversation_id'] },
        idx_sessions_active: { columns: ['ended_at'], where: 'ended_at IS NULL' },
      },
    },
    workers: {
      columns: {
        id: ['text', true, null, 1],
        session_id: ['text', false, null, 0],
        primitive: ['text', true, null, 0],
        status: ['text', true, "'pending'", 0],
        instructions: ['text', true, null, 0],
        workspace_path: ['text', false, null, 0],
        priority: ['integer', true, '0', 0],
        retry_count: ['integer', true, '0', 0],
        max_retries: ['integer', true, '3', 0],
        execute_at: ['text', false, null, 0],
        retry_at: ['text', false, null, 0],
        dedupe_hash: ['text', false, null, 0],
        last_error: ['text', false, null, 0],
        created_at: ['text', true, null, 0],
        updated_at: ['text', true, null, 0],
        started_at: ['text', false, null, 0],
        completed_at: ['text', false, null, 0],
        // Leases, added by migration 0004_add_worker_leases.
        lease_owner: ['text', false, null, 0],
        lease_token: ['text', false, null, 0],
        lease_expires_at: ['text', false, null, 0],
        // Added by migration 0008_worker_progress.
        progress: ['real', false, null, 0],
      },
      indexes: {
        idx_workers_claim: {
          columns: ['priority desc', 'execute_at', 'retry_at'],
          where: "status = 'pending'",
        },
        ux_workers_dedupe_hash: { columns: ['dedupe_hash'], unique: true },
        idx_workers_ready: { columns: ['status', 'execute_at'] },
        idx_workers_session: { columns: ['session_id'] },
      },
      foreignKeys: [{ from: 'session_id', table: 'sessions', to: 'id', onDelete: 'SET NULL' }],
    },
    scheduled_missions: {
      columns: {
        id: ['text', true, null, 1],
        name: ['text', true, null, 0],
        slug: ['text', true, null, 0],
        description: ['text', false, null, 0],
        prompt_type: ['text', true, "'file'", 0],
        prompt: ['text', true, null, 0],
        schedule_type: ['text', false, null, 0],
        schedule_cron: ['text', false, null, 0],
        schedule_time: ['text', false, null, 0],
        schedule_days: ['text', false, null, 0],
        timeout_minutes: ['integer', true, '60', 0],
        role: ['text', false, null, 0],
        enabled: ['integer', true, 'true', 0],
        next_run: ['text', false, null, 0],
        last_run: ['text', false, null, 0],
        last_status: ['text', false, null, 0],
        created_at: ['text', true, null, 0],
        updated_at: ['text', true, null, 0],
      },
      indexes: {
        ux_scheduled_missions_slug: { columns: ['slug'], unique: true },
        idx_scheduled_missions_next_run: {
          columns: ['next_run'],
          where: 'enabled = 1 AND next_run IS NOT NULL',
        },
      },
    },
    missions: {
      columns: {
        id: ['text', true, null, 1],
        mission_id: ['text', true, null, 0],
        started_at: ['text', true, null, 0],
        ended_at: ['text', false, null, 0],
        status: ['text', true, "'running'", 0],
        session_id: ['text', false, null, 0],
        transcript_path: ['text', false, null, 0],
        output_summary: ['text', false, null, 0],
        error_message: ['text', false, null, 0],
        duration_seconds: ['integer', false, null, 0],
      },
      indexes: {
        idx_missions_mission_id: { columns: ['mission_id'] },
        idx_missions_status: { columns: ['status'] },
        idx_missions_started_at: { columns: ['started_at desc'] },
      },
      foreignKeys: [
        { from: 'mission_id', table: 'scheduled_missions', to: 'id', onDelete: 'CASCADE' },
        { from: 'session_id', table: 'sessions', to: 'id', onDelete: 'SET NULL' },
      ],
    },
    contacts: {
      columns: {
        id: ['text', true, null, 1],
        name: ['text', true, null, 0],
        email: ['text', false, null, 0],
        phone: ['text', false, null, 0],
        notes: ['text', false, null, 0],
        created_at: ['text', true, null, 0],
      },
      indexes: {
        ux_contacts_phone: { columns: ['phone'], unique: true },
        idx_contacts_name: { columns: ['name'] },
        idx_contacts_email: { columns: ['email'] },
      },
    },
    contact_tags: {
      columns: {
        contact_id: ['text', true, null, 1],
        tag: ['text', true, null, 2],
      },
      indexes: { idx_contact_tags_tag: { columns: ['tag'] } },
      foreignKeys: [{ from: 'contact_id', table: 'contacts', to: 'id', onDelete: 'CASCADE' }],
    },
    priorities: {
      columns: {
        id: ['text', true, null, 1],
        content: ['text', true, null, 0],
        level: ['text', true, "'medium'", 0],
        pool: ['text', true, "'main'", 0],
        date: ['text', false, null, 0],
        position: ['integer', true, '0', 0],
        completed_at: ['text', false, null, 0],
        created_at: ['text', true, null, 0],
        updated_at: ['text', true, null, 0],
      },
      indexes: {
        idx_priorities_date: { columns: ['date'] },
        idx_priorities_group: { columns: ['pool', 'date', 'level', 'position'] },
      },
    },
    staged_content: {
      columns: {
        id: ['text', true, null, 1],
        title: ['text', true, null, 0],
        content_type: ['text', true, "'markdown'", 0],
        content: ['text', true, null, 0],
        status: ['text', true, "'staged'", 0],
        position: ['integer', true, '0', 0],
        session_id: ['text', false, null, 0],
        worker_id: ['text', false, null, 0],
        created_at: ['text', true, null, 0],
        updated_at: ['text', true, null, 0],
        displayed_at: ['text', false, null, 0],
        expires_at: ['text', false, null, 0],
      },
      indexes: { idx_staged_content_status: { columns: ['status', 'position'] } },
      foreignKeys: [
        { from: 'session_id', table: 'sessions', to: 'id', onDelete: 'SET NULL' },
        { from: 'worker_id', table: 'workers', to: 'id', onDelete: 'SET NULL' },
      ],
    },
    conversation_notifications: {
      columns: {
        id: ['text', true, null, 1],
        conversation_id: ['text', true, null, 0],
        notification_type: ['text', true, null, 0],
        entity_id: ['text', true, null, 0],
        notified_at: ['text', true, NOW, 0],
        session_id: ['text', false, null, 0],
      },
      indexes: {
        ux_conversation_notifications_entity: {
          columns: ['conversation_id', 'notification_type', 'entity_id'],
          unique: true,
        },
        idx_conversation_notifications_notified_at: { columns: ['notified_at'] },
      },
      foreignKeys: [{ from: 'session_id', table: 'sessions', to: 'id', onDelete: 'SET NULL' }],
    },
    pings: {
      columns: {
        id: ['text', true, null, 1],
        session_id: ['text', true, null, 0],
        message: ['text', true, null, 0],
        created_at: ['text', true, null, 0],
        acknowledged_at: ['text', false, null, 0],
      },
      indexes: {
        idx_pings_unread: { columns: ['created_at desc'], where: 'acknowledged_at IS NULL' },
        idx_pings_session: { columns: ['session_id'] },
      },
      foreignKeys: [{ from: 'session_id', table: 'sessions', to: 'id', onDelete: 'NO ACTION' }],
    },
  },
};
