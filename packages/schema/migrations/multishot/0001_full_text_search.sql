-- Full-text search over output_logs: what the agents printed.
-- The index keeps the text under the row's rowid; triggers keep it in step with every writer, the
-- original tool's included. The insert trigger first clears its rowid, so an entry left behind by
-- an INSERT OR REPLACE (whose delete fires no trigger) never mixes into a new row's.
CREATE VIRTUAL TABLE `output_logs_fts` USING fts5(content, tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `output_logs_fts_insert` AFTER INSERT ON `output_logs` BEGIN
  DELETE FROM output_logs_fts WHERE rowid = new.rowid;
  INSERT INTO output_logs_fts(rowid, content) VALUES (new.rowid, new.content);
END;
--> statement-breakpoint
CREATE TRIGGER `output_logs_fts_delete` AFTER DELETE ON `output_logs` BEGIN
  DELETE FROM output_logs_fts WHERE rowid = old.rowid;
END;
--> statement-breakpoint
CREATE TRIGGER `output_logs_fts_update` AFTER UPDATE OF content ON `output_logs` BEGIN
  DELETE FROM output_logs_fts WHERE rowid = old.rowid;
  INSERT INTO output_logs_fts(rowid, content) VALUES (new.rowid, new.content);
END;
--> statement-breakpoint
-- Backfill: every row already in the file (an adopted one, or one this project migrated).
INSERT INTO output_logs_fts(rowid, content)
SELECT rowid, content FROM `output_logs`;
