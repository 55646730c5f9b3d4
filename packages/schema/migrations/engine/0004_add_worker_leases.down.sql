-- Down migration: drizzle-kit's statements from this step's schema back to the previous one.
-- Edit it to copy data back; a line `-- agentstate:irreversible <reason>` refuses db:rollback.
DROP INDEX `idx_workers_claim`;
--> statement-breakpoint
DROP INDEX `idx_workers_lease`;
--> statement-breakpoint
ALTER TABLE `workers` DROP COLUMN `lease_owner`;
--> statement-breakpoint
ALTER TABLE `workers` DROP COLUMN `lease_token`;
--> statement-breakpoint
ALTER TABLE `workers` DROP COLUMN `lease_expires_at`;
