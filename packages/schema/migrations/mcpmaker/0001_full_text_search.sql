-- Full-text search over playback_logs: the insights the model wrote after each run, and the site.
-- The index keeps the text under the row's rowid; triggers keep it in step with every writer, the
-- original tool's included. The insert trigger first clears its rowid, so an entry left behind by
-- an INSERT OR REPLACE (whose delete fires no trigger) never mixes into a new row's.
CREATE VIRTUAL TABLE `playback_logs_fts` USING fts5(insights, site_pattern, tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `playback_logs_fts_insert` AFTER INSERT ON `playback_logs` BEGIN
  DELETE FROM playback_logs_fts WHERE rowid = new.rowid;
  INSERT INTO playback_logs_fts(rowid, insights, site_pattern) VALUES (new.rowid, new.insights, new.site_pattern);
END;
--> statement-breakpoint
CREATE TRIGGER `playback_logs_fts_delete` AFTER DELETE ON `playback_logs` BEGIN
  DELETE FROM playback_logs_fts WHERE rowid = old.rowid;
END;
--> statement-breakpoint
CREATE TRIGGER `playback_logs_fts_update` AFTER UPDATE OF insights, site_pattern ON `playback_logs` BEGIN
  DELETE FROM playback_logs_fts WHERE rowid = old.rowid;
  INSERT INTO playback_logs_fts(rowid, insights, site_pattern) VALUES (new.rowid, new.insights, new.site_pattern);
END;
--> statement-breakpoint
-- Backfill: every row already in the file (an adopted one, or one this project migrated).
INSERT INTO playback_logs_fts(rowid, insights, site_pattern)
SELECT rowid, insights, site_pattern FROM `playback_logs`;
