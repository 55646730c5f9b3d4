CREATE TABLE `conversation_notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`conversation_id` text NOT NULL,
	`notification_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`notified_at` text DEFAULT (datetime('now')) NOT NULL,
	`session_id` text,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ux_conversation_notifications_entity` ON `conversation_notifications` (`conversation_id`,`notification_type`,`entity_id`);--> statement-breakpoint
CREATE INDEX `idx_conversation_notifications_notified_at` ON `conversation_notifications` (`notified_at`);--> statement-breakpoint
-- Carry every session-scoped notification over: a conversation is the session's conversation_id,
-- or the session itself when it has none. The earliest notification of a kind wins.
INSERT OR IGNORE INTO `conversation_notifications` (`id`, `conversation_id`, `notification_type`, `entity_id`, `notified_at`, `session_id`)
SELECT n.`id`, COALESCE(s.`conversation_id`, n.`session_id`), n.`notification_type`, n.`entity_id`, n.`notified_at`, s.`id`
FROM `session_notifications` n LEFT JOIN `sessions` s ON s.`id` = n.`session_id`
ORDER BY n.`notified_at`, n.`id`;