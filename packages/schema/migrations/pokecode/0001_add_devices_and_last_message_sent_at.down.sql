-- Down migration: drizzle-kit's statements from this step's schema back to the previous one.
-- Edit it to copy data back; a line `-- agentstate:irreversible <reason>` refuses db:rollback.
DROP TABLE `devices`;
--> statement-breakpoint
DROP INDEX `idx_sessions_last_message_sent`;
--> statement-breakpoint
ALTER TABLE `sessions` DROP COLUMN `last_message_sent_at`;
