-- Full-text search over session_messages. content_data is the provider's raw event JSON; what is
-- indexed is the text inside it (user and assistant text, thinking, tool names, tool inputs and
-- results, Codex items), not its keys or syntax. The index keeps that text (it is what snippets
-- are cut from) under the message's rowid. It is not an external-content table reading a view:
-- FTS5 reads its content as 'main'.'<view>', and SQLite then cannot resolve json_tree inside the
-- view ("no such table: main.json_tree"). Triggers keep the index in step with every writer,
-- PokéCode's own included, with SQLite's built-in JSON functions only; invalid JSON is indexed as
-- it is, never refused. The insert trigger first clears its rowid, so an entry left behind by an
-- INSERT OR REPLACE (whose delete fires no trigger) never mixes into a new message's.
CREATE VIRTUAL TABLE `session_messages_fts` USING fts5(body, tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `session_messages_fts_insert` AFTER INSERT ON `session_messages` BEGIN
  DELETE FROM session_messages_fts WHERE rowid = new.rowid;
  INSERT INTO session_messages_fts(rowid, body) VALUES (new.rowid, CASE WHEN json_valid(new.content_data) THEN (SELECT group_concat(value, ' ') FROM json_tree(new.content_data) WHERE type = 'text' AND (key IS NULL OR key IN ('text', 'thinking', 'content', 'result', 'name', 'command', 'aggregated_output', 'message', 'path', 'error') OR path LIKE '%.input' OR path LIKE '%.input.%' OR path LIKE '%.input[%')) ELSE new.content_data END);
END;
--> statement-breakpoint
CREATE TRIGGER `session_messages_fts_delete` AFTER DELETE ON `session_messages` BEGIN
  DELETE FROM session_messages_fts WHERE rowid = old.rowid;
END;
--> statement-breakpoint
CREATE TRIGGER `session_messages_fts_update` AFTER UPDATE OF content_data ON `session_messages` BEGIN
  DELETE FROM session_messages_fts WHERE rowid = old.rowid;
  INSERT INTO session_messages_fts(rowid, body) VALUES (new.rowid, CASE WHEN json_valid(new.content_data) THEN (SELECT group_concat(value, ' ') FROM json_tree(new.content_data) WHERE type = 'text' AND (key IS NULL OR key IN ('text', 'thinking', 'content', 'result', 'name', 'command', 'aggregated_output', 'message', 'path', 'error') OR path LIKE '%.input' OR path LIKE '%.input.%' OR path LIKE '%.input[%')) ELSE new.content_data END);
END;
--> statement-breakpoint
-- Backfill: every message already in the file (an adopted one, or one this project migrated).
INSERT INTO session_messages_fts(rowid, body)
SELECT rowid, CASE WHEN json_valid(content_data) THEN (SELECT group_concat(value, ' ') FROM json_tree(content_data) WHERE type = 'text' AND (key IS NULL OR key IN ('text', 'thinking', 'content', 'result', 'name', 'command', 'aggregated_output', 'message', 'path', 'error') OR path LIKE '%.input' OR path LIKE '%.input.%' OR path LIKE '%.input[%')) ELSE content_data END FROM `session_messages`;
