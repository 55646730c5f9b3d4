-- Down migration: drizzle-kit's statements from this step's schema back to the previous one.
-- Edit it to copy data back; a line `-- agentstate:irreversible <reason>` refuses db:rollback.
DROP TABLE `job_queue`;
--> statement-breakpoint
DROP TABLE `session_messages`;
--> statement-breakpoint
DROP TABLE `sessions`;
