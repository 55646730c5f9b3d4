-- Undoes 0001_full_text_search: the triggers and the index; messages is untouched.
DROP TRIGGER IF EXISTS `messages_fts_update`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `messages_fts_delete`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `messages_fts_insert`;
--> statement-breakpoint
DROP TABLE IF EXISTS `messages_fts`;
