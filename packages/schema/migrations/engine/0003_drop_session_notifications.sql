-- Copy what older writers added to session_notifications since 0001, then drop it: nothing in it
-- is lost, and conversation_notifications is the only table still read.
INSERT OR IGNORE INTO `conversation_notifications` (`id`, `conversation_id`, `notification_type`, `entity_id`, `notified_at`, `session_id`)
SELECT n.`id`, COALESCE(s.`conversation_id`, n.`session_id`), n.`notification_type`, n.`entity_id`, n.`notified_at`, s.`id`
FROM `session_notifications` n LEFT JOIN `sessions` s ON s.`id` = n.`session_id`
ORDER BY n.`notified_at`, n.`id`;
--> statement-breakpoint
DROP TABLE `session_notifications`;