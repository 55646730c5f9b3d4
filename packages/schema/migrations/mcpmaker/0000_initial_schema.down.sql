-- Down migration: drizzle-kit's statements from this step's schema back to the previous one.
-- Edit it to copy data back; a line `-- agentstate:irreversible <reason>` refuses db:rollback.
DROP TABLE `config`;
--> statement-breakpoint
DROP TABLE `playback_logs`;
--> statement-breakpoint
DROP TABLE `sessions`;
--> statement-breakpoint
DROP TABLE `workflow_sessions`;
--> statement-breakpoint
DROP TABLE `workflows`;
