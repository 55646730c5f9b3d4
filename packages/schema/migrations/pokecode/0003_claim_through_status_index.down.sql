-- Down migration: drizzle-kit's statements from this step's schema back to the previous one.
-- Edit it to copy data back; a line `-- agentstate:irreversible <reason>` refuses db:rollback.
CREATE INDEX `idx_job_queue_claim` ON `job_queue` (`created_at`,`next_retry_at`) WHERE "job_queue"."status" = 'pending';
--> statement-breakpoint
CREATE INDEX `idx_job_queue_lease` ON `job_queue` (`lease_expires_at`) WHERE "job_queue"."status" = 'processing';
