-- Full-text search over messages: the turn's text (`content`, or `text` in older rows) inside the
-- JSON DiPeO writes, not its keys; content that is not JSON is indexed as it is, never refused.
-- The index keeps the text under the row's rowid; triggers keep it in step with every writer, the
-- original tool's included. The insert trigger first clears its rowid, so an entry left behind by
-- an INSERT OR REPLACE (whose delete fires no trigger) never mixes into a new row's.
CREATE VIRTUAL TABLE `messages_fts` USING fts5(body, tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `messages_fts_insert` AFTER INSERT ON `messages` BEGIN
  DELETE FROM messages_fts WHERE rowid = new.rowid;
  INSERT INTO messages_fts(rowid, body) VALUES (new.rowid, CASE WHEN json_valid(new.content) THEN coalesce(json_extract(new.content, '$.content'), json_extract(new.content, '$.text')) ELSE new.content END);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_delete` AFTER DELETE ON `messages` BEGIN
  DELETE FROM messages_fts WHERE rowid = old.rowid;
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_update` AFTER UPDATE OF content ON `messages` BEGIN
  DELETE FROM messages_fts WHERE rowid = old.rowid;
  INSERT INTO messages_fts(rowid, body) VALUES (new.rowid, CASE WHEN json_valid(new.content) THEN coalesce(json_extract(new.content, '$.content'), json_extract(new.content, '$.text')) ELSE new.content END);
END;
--> statement-breakpoint
-- Backfill: every row already in the file (an adopted one, or one this project migrated).
INSERT INTO messages_fts(rowid, body)
SELECT rowid, CASE WHEN json_valid(content) THEN coalesce(json_extract(content, '$.content'), json_extract(content, '$.text')) ELSE content END FROM `messages`;
