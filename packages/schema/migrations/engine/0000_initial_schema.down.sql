-- Down migration: drizzle-kit's statements from this step's schema back to the previous one.
-- Edit it to copy data back; a line `-- agentstate:irreversible <reason>` refuses db:rollback.
DROP TABLE `contact_tags`;
--> statement-breakpoint
DROP TABLE `contacts`;
--> statement-breakpoint
DROP TABLE `missions`;
--> statement-breakpoint
DROP TABLE `pings`;
--> statement-breakpoint
DROP TABLE `priorities`;
--> statement-breakpoint
DROP TABLE `scheduled_missions`;
--> statement-breakpoint
DROP TABLE `sessions`;
--> statement-breakpoint
DROP TABLE `staged_content`;
--> statement-breakpoint
DROP TABLE `workers`;
--> statement-breakpoint
DROP TABLE `session_notifications`;
