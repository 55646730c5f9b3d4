ALTER TABLE `workers` ADD `lease_owner` text;--> statement-breakpoint
ALTER TABLE `workers` ADD `lease_token` text;--> statement-breakpoint
ALTER TABLE `workers` ADD `lease_expires_at` text;--> statement-breakpoint
CREATE INDEX `idx_workers_claim` ON `workers` ("priority" desc,`execute_at`,`retry_at`) WHERE "workers"."status" = 'pending';--> statement-breakpoint
CREATE INDEX `idx_workers_lease` ON `workers` (`lease_expires_at`) WHERE "workers"."status" = 'running';