CREATE TABLE `executions` (
	`execution_id` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`diagram_id` text,
	`started_at` text NOT NULL,
	`ended_at` text,
	`node_states` text NOT NULL,
	`node_outputs` text NOT NULL,
	`llm_usage` text NOT NULL,
	`error` text,
	`variables` text NOT NULL,
	`exec_counts` text DEFAULT '{}' NOT NULL,
	`executed_nodes` text DEFAULT '[]' NOT NULL,
	`metrics` text DEFAULT NULL,
	`created_at` timestamp DEFAULT CURRENT_TIMESTAMP,
	`access_count` integer DEFAULT 0,
	`last_accessed` timestamp DEFAULT CURRENT_TIMESTAMP
);
--> statement-breakpoint
CREATE INDEX `idx_status` ON `executions` (`status`);--> statement-breakpoint
CREATE INDEX `idx_started_at` ON `executions` (`started_at`);--> statement-breakpoint
CREATE INDEX `idx_diagram_id` ON `executions` (`diagram_id`);--> statement-breakpoint
CREATE INDEX `idx_access_count` ON `executions` ("access_count" desc);--> statement-breakpoint
CREATE INDEX `idx_last_accessed` ON `executions` ("last_accessed" desc);--> statement-breakpoint
CREATE TABLE `messages` (
	`id` text PRIMARY KEY NOT NULL,
	`execution_id` text NOT NULL,
	`node_id` text NOT NULL,
	`person_id` text,
	`content` text NOT NULL,
	`token_count` integer,
	`created_at` timestamp DEFAULT CURRENT_TIMESTAMP
);
--> statement-breakpoint
CREATE INDEX `idx_execution` ON `messages` (`execution_id`);--> statement-breakpoint
CREATE INDEX `idx_node` ON `messages` (`node_id`);--> statement-breakpoint
CREATE TABLE `transitions` (
	`id` text PRIMARY KEY NOT NULL,
	`execution_id` text NOT NULL,
	`node_id` text,
	`phase` text NOT NULL,
	`seq` integer NOT NULL,
	`payload` text NOT NULL,
	`created_at` text DEFAULT (datetime('now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ux_exec_seq` ON `transitions` (`execution_id`,`seq`);--> statement-breakpoint
CREATE INDEX `idx_exec_transitions` ON `transitions` (`execution_id`);--> statement-breakpoint
CREATE INDEX `idx_created_at` ON `transitions` ("created_at" desc);