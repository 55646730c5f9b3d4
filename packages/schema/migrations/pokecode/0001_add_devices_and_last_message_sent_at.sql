CREATE TABLE `devices` (
	`device_id` text PRIMARY KEY NOT NULL,
	`device_name` text NOT NULL,
	`platform` text,
	`app_version` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`last_connected_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `idx_devices_last_connected_at` ON `devices` (`last_connected_at`);--> statement-breakpoint
ALTER TABLE `sessions` ADD `last_message_sent_at` integer;--> statement-breakpoint
CREATE INDEX `idx_sessions_last_message_sent` ON `sessions` (`last_message_sent_at`);