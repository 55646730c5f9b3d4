-- Down migration: drizzle-kit's statements from this step's schema back to the previous one.
-- Edit it to copy data back; a line `-- agentstate:irreversible <reason>` refuses db:rollback.
DROP TABLE `agents`;
--> statement-breakpoint
DROP TABLE `credentials`;
--> statement-breakpoint
DROP TABLE `output_logs`;
--> statement-breakpoint
DROP TABLE `rounds`;
--> statement-breakpoint
DROP TABLE `runs`;
