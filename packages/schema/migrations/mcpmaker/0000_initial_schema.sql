CREATE TABLE `config` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `playback_logs` (
	`id` text PRIMARY KEY NOT NULL,
	`workflow_id` text NOT NULL,
	`site_pattern` text DEFAULT '' NOT NULL,
	`timestamp` integer NOT NULL,
	`data` text DEFAULT '{}' NOT NULL,
	`outcome` text DEFAULT 'partial' NOT NULL,
	`insights` text
);
--> statement-breakpoint
CREATE INDEX `idx_playback_logs_workflow` ON `playback_logs` (`workflow_id`);--> statement-breakpoint
CREATE INDEX `idx_playback_logs_site` ON `playback_logs` (`site_pattern`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`workflow_id` text,
	`workflow_name` text NOT NULL,
	`url` text NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer NOT NULL,
	`dom_events` text DEFAULT '[]' NOT NULL,
	`network_events` text DEFAULT '[]' NOT NULL,
	`correlations` text DEFAULT '[]' NOT NULL,
	`created_at` text DEFAULT (datetime('now')) NOT NULL,
	FOREIGN KEY (`workflow_id`) REFERENCES `workflows`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `idx_sessions_workflow_id` ON `sessions` (`workflow_id`);--> statement-breakpoint
CREATE TABLE `workflow_sessions` (
	`workflow_id` text NOT NULL,
	`session_id` text NOT NULL,
	PRIMARY KEY(`workflow_id`, `session_id`),
	FOREIGN KEY (`workflow_id`) REFERENCES `workflows`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `idx_workflow_sessions_workflow` ON `workflow_sessions` (`workflow_id`);--> statement-breakpoint
CREATE INDEX `idx_workflow_sessions_session` ON `workflow_sessions` (`session_id`);--> statement-breakpoint
CREATE TABLE `workflows` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`site_pattern` text DEFAULT '' NOT NULL,
	`definition` text,
	`mcp_server_path` text,
	`mcp_server_status` text DEFAULT 'stopped',
	`created_at` text DEFAULT (datetime('now')) NOT NULL,
	`updated_at` text DEFAULT (datetime('now')) NOT NULL
);
