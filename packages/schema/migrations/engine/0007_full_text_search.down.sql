-- Undoes 0007_full_text_search: the triggers and the index; staged_content is untouched.
DROP TRIGGER IF EXISTS `staged_content_fts_update`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `staged_content_fts_delete`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `staged_content_fts_insert`;
--> statement-breakpoint
DROP TABLE IF EXISTS `staged_content_fts`;
