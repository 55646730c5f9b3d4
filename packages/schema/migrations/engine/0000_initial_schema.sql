CREATE TABLE `contact_tags` (
	`contact_id` text NOT NULL,
	`tag` text NOT NULL,
	PRIMARY KEY(`contact_id`, `tag`),
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `idx_contact_tags_tag` ON `contact_tags` (`tag`);--> statement-breakpoint
CREATE TABLE `contacts` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`email` text,
	`phone` text,
	`notes` text,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ux_contacts_phone` ON `contacts` (`phone`);--> statement-breakpoint
CREATE INDEX `idx_contacts_name` ON `contacts` (`name`);--> statement-breakpoint
CREATE INDEX `idx_contacts_email` ON `contacts` (`email`);--> statement-breakpoint
CREATE TABLE `missions` (
	`id` text PRIMARY KEY NOT NULL,
	`mission_id` text NOT NULL,
	`started_at` text NOT NULL,
	`ended_at` text,
	`status` text DEFAULT 'running' NOT NULL,
	`session_id` text,
	`transcript_path` text,
	`output_summary` text,
	`error_message` text,
	`duration_seconds` integer,
	FOREIGN KEY (`mission_id`) REFERENCES `scheduled_missions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `idx_missions_mission_id` ON `missions` (`mission_id`);--> statement-breakpoint
CREATE INDEX `idx_missions_status` ON `missions` (`status`);--> statement-breakpoint
CREATE INDEX `idx_missions_started_at` ON `missions` ("started_at" desc);--> statement-breakpoint
CREATE TABLE `pings` (
	`id` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`message` text NOT NULL,
	`created_at` text NOT NULL,
	`acknowledged_at` text,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `idx_pings_unread` ON `pings` ("created_at" desc) WHERE "pings"."acknowledged_at" IS NULL;--> statement-breakpoint
CREATE INDEX `idx_pings_session` ON `pings` (`session_id`);--> statement-breakpoint
CREATE TABLE `priorities` (
	`id` text PRIMARY KEY NOT NULL,
	`content` text NOT NULL,
	`level` text DEFAULT 'medium' NOT NULL,
	`pool` text DEFAULT 'main' NOT NULL,
	`date` text,
	`position` integer DEFAULT 0 NOT NULL,
	`completed_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `idx_priorities_date` ON `priorities` (`date`);--> statement-breakpoint
CREATE INDEX `idx_priorities_group` ON `priorities` (`pool`,`date`,`level`,`position`);--> statement-breakpoint
CREATE TABLE `scheduled_missions` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`slug` text NOT NULL,
	`description` text,
	`prompt_type` text DEFAULT 'file' NOT NULL,
	`prompt` text NOT NULL,
	`schedule_type` text,
	`schedule_cron` text,
	`schedule_time` text,
	`schedule_days` text,
	`timeout_minutes` integer DEFAULT 60 NOT NULL,
	`role` text,
	`enabled` integer DEFAULT true NOT NULL,
	`next_run` text,
	`last_run` text,
	`last_status` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ux_scheduled_missions_slug` ON `scheduled_missions` (`slug`);--> statement-breakpoint
CREATE INDEX `idx_scheduled_missions_next_run` ON `scheduled_missions` (`next_run`) WHERE "scheduled_missions"."enabled" = 1 AND "scheduled_missions"."next_run" IS NOT NULL;--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`claude_session_id` text,
	`conversation_id` text,
	`role` text NOT NULL,
	`mode` text DEFAULT 'interactive' NOT NULL,
	`current_state` text DEFAULT 'idle' NOT NULL,
	`status_text` text,
	`tmux_window` text,
	`tmux_pane` text,
	`started_at` text NOT NULL,
	`ended_at` text,
	`end_reason` text
);
--> statement-breakpoint
CREATE INDEX `idx_sessions_conversation` ON `sessions` (`conversation_id`);--> statement-breakpoint
CREATE INDEX `idx_sessions_active` ON `sessions` (`ended_at`) WHERE "sessions"."ended_at" IS NULL;--> statement-breakpoint
CREATE TABLE `staged_content` (
	`id` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`content_type` text DEFAULT 'markdown' NOT NULL,
	`content` text NOT NULL,
	`status` text DEFAULT 'staged' NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`session_id` text,
	`worker_id` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`displayed_at` text,
	`expires_at` text,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`worker_id`) REFERENCES `workers`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `idx_staged_content_status` ON `staged_content` (`status`,`position`);--> statement-breakpoint
CREATE TABLE `workers` (
	`id` text PRIMARY KEY NOT NULL,
	`session_id` text,
	`primitive` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`instructions` text NOT NULL,
	`workspace_path` text,
	`priority` integer DEFAULT 0 NOT NULL,
	`retry_count` integer DEFAULT 0 NOT NULL,
	`max_retries` integer DEFAULT 3 NOT NULL,
	`execute_at` text,
	`retry_at` text,
	`dedupe_hash` text,
	`last_error` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`started_at` text,
	`completed_at` text,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ux_workers_dedupe_hash` ON `workers` (`dedupe_hash`);--> statement-breakpoint
CREATE INDEX `idx_workers_ready` ON `workers` (`status`,`execute_at`);--> statement-breakpoint
CREATE INDEX `idx_workers_status` ON `workers` (`status`);--> statement-breakpoint
CREATE INDEX `idx_workers_session` ON `workers` (`session_id`);--> statement-breakpoint
CREATE TABLE `session_notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`notification_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`notified_at` text DEFAULT (datetime('now')) NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ux_session_notifications_entity` ON `session_notifications` (`session_id`,`notification_type`,`entity_id`);