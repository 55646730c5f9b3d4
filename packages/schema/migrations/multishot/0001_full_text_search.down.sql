-- Undoes 0001_full_text_search: the triggers and the index; output_logs is untouched.
DROP TRIGGER IF EXISTS `output_logs_fts_update`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `output_logs_fts_delete`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `output_logs_fts_insert`;
--> statement-breakpoint
DROP TABLE IF EXISTS `output_logs_fts`;
