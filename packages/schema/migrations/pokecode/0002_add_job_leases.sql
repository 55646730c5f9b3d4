ALTER TABLE `job_queue` ADD `lease_owner` text;--> statement-breakpoint
ALTER TABLE `job_queue` ADD `lease_token` text;--> statement-breakpoint
ALTER TABLE `job_queue` ADD `lease_expires_at` integer;--> statement-breakpoint
CREATE INDEX `idx_job_queue_claim` ON `job_queue` (`created_at`,`next_retry_at`) WHERE "job_queue"."status" = 'pending';--> statement-breakpoint
CREATE INDEX `idx_job_queue_lease` ON `job_queue` (`lease_expires_at`) WHERE "job_queue"."status" = 'processing';