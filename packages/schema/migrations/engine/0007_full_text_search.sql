-- Full-text search over staged_content: the title and the content of each portal item.
-- The index keeps the text under the row's rowid; triggers keep it in step with every writer, the
-- original tool's included. The insert trigger first clears its rowid, so an entry left behind by
-- an INSERT OR REPLACE (whose delete fires no trigger) never mixes into a new row's.
CREATE VIRTUAL TABLE `staged_content_fts` USING fts5(title, content, tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `staged_content_fts_insert` AFTER INSERT ON `staged_content` BEGIN
  DELETE FROM staged_content_fts WHERE rowid = new.rowid;
  INSERT INTO staged_content_fts(rowid, title, content) VALUES (new.rowid, new.title, new.content);
END;
--> statement-breakpoint
CREATE TRIGGER `staged_content_fts_delete` AFTER DELETE ON `staged_content` BEGIN
  DELETE FROM staged_content_fts WHERE rowid = old.rowid;
END;
--> statement-breakpoint
CREATE TRIGGER `staged_content_fts_update` AFTER UPDATE OF title, content ON `staged_content` BEGIN
  DELETE FROM staged_content_fts WHERE rowid = old.rowid;
  INSERT INTO staged_content_fts(rowid, title, content) VALUES (new.rowid, new.title, new.content);
END;
--> statement-breakpoint
-- Backfill: every row already in the file (an adopted one, or one this project migrated).
INSERT INTO staged_content_fts(rowid, title, content)
SELECT rowid, title, content FROM `staged_content`;
