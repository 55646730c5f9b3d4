-- Undoes 0005_full_text_search: the triggers and the index; session_messages is untouched.
DROP TRIGGER IF EXISTS `session_messages_fts_update`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `session_messages_fts_delete`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `session_messages_fts_insert`;
--> statement-breakpoint
DROP TABLE IF EXISTS `session_messages_fts`;
