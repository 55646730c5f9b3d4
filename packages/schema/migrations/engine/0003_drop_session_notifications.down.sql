-- Down migration: drizzle-kit's statements from this step's schema back to the previous one.
-- Edit it to copy data back; a line `-- agentstate:irreversible <reason>` refuses db:rollback.
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
