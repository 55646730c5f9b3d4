import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { isoDateTime } from '../columns.ts';
import { sessionModes, sessionRoles, sessionStates } from './constants.ts';

/** Claude sessions (Chief, specialists). Times are ISO 8601 text, as the engine writes them. */
export const sessions = sqliteTable(
  'sessions',
  {
    /** 8-character id. */
    id: text('id').primaryKey(),
    /** Claude Code's own session id, which names the transcript. */
    claudeSessionId: text('claude_session_id'),
    /** Stable across context resets: `chief-YYYY-MM-DD` or `<role>-<uuid8>`. */
    conversationId: text('conversation_id'),
    role: text('role', { enum: sessionRoles }).notNull(),
    mode: text('mode', { enum: sessionModes }).notNull().default('interactive'),
    currentState: text('current_state', { enum: sessionStates }).notNull().default('idle'),
    statusText: text('status_text'),
    /** Highest context-usage threshold already warned about; only ever raised. */
    contextWarningLevel: integer('context_warning_level').notNull().default(0),
    tmuxWindow: text('tmux_window'),
    tmuxPane: text('tmux_pane'),
    startedAt: isoDateTime('started_at').notNull(),
    /** Null while the session is active. */
    endedAt: isoDateTime('ended_at'),
    endReason: text('end_reason'),
  },
  (t) => [
    index('idx_sessions_conversation').on(t.conversationId),
    index('idx_sessions_active')
      .on(t.endedAt)
      .where(sql`${t.endedAt} IS NULL`),
  ],
);
