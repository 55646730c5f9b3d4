DROP INDEX `idx_job_queue_claim`;--> statement-breakpoint
DROP INDEX `idx_job_queue_lease`;