// Runs one query of the studio's SQL box, in a process of its own (forked by sql-box.ts), because
// a query must be stoppable at the time limit: better-sqlite3 has no interrupt, and neither a
// timer nor worker.terminate() can stop a thread while SQLite is inside sqlite3_step. So the
// query runs in a worker thread, and this process's main thread is a watchdog that kills the whole
// process when the studio disconnects (even if it was killed itself) or the time limit is long
// past. The studio kills it at the time limit.
import { createRequire } from 'node:module';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

/** Process-wide cap on SQLite's memory (PRAGMA hard_heap_limit), so one query cannot take it all. */
const HEAP_LIMIT_BYTES = 512 * 1024 * 1024;

/** The first keyword of a statement (after comments), for messages. */
function leadingKeyword(sql) {
  const text = sql.replace(/^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/, '');
  return (text.match(/^[A-Za-z]+/)?.[0] ?? 'this statement').toUpperCase();
}

/** A value a browser can show; blobs as their size (rows.ts turns it into the same note as tables). */
function present(value) {
  return Buffer.isBuffer(value) ? { blobBytes: value.length } : value;
}

function runQuery({ path, sql, offset, limit, rowLimit, busyTimeoutMs }) {
  const Database = createRequire(import.meta.url)('better-sqlite3');
  // Read-only twice over: SQLite's read-only open (the file handle cannot write) and query_only.
  const sqlite = new Database(path, { readonly: true, fileMustExist: true });
  try {
    sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
    sqlite.pragma('query_only = 1');
    sqlite.pragma(`hard_heap_limit = ${HEAP_LIMIT_BYTES}`);
    let statement;
    try {
      statement = sqlite.prepare(sql);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return {
        error: /more than one statement/.test(message)
          ? 'one statement at a time (remove the ; and what follows)'
          : message,
      };
    }
    // sqlite3_stmt_readonly is false for anything that writes (INSERT ... RETURNING, VACUUM INTO,
    // PRAGMA writes, CREATE TEMP ...); statements that return no rows (ATTACH, BEGIN, PRAGMA x=y)
    // are not queries either.
    if (!statement.reader || !statement.readonly) {
      return {
        refused: true,
        error: `${leadingKeyword(sql)} is refused: the SQL box runs only statements that read and return rows (SELECT, WITH … SELECT, VALUES, EXPLAIN, read-only PRAGMAs)`,
      };
    }
    statement.raw(true);
    const columns = statement.columns().map((column) => column.name);
    parentPort.postMessage({ started: true });
    const rows = [];
    const end = Math.min(offset + limit, rowLimit);
    let index = 0;
    let more = false;
    for (const row of statement.iterate()) {
      if (index >= end) {
        more = true;
        break;
      }
      if (index >= offset) rows.push(row.map(present));
      index++;
    }
    return {
      columns,
      rows,
      nextOffset: more && end < rowLimit ? end : undefined,
      rowLimitReached: more && end >= rowLimit,
    };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  } finally {
    sqlite.close();
  }
}

if (isMainThread) {
  const die = () => process.kill(process.pid, 'SIGKILL');
  // The studio went away (its IPC channel closed): nobody waits for the answer.
  process.once('disconnect', die);
  process.once('message', (request) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: request });
    worker.on('message', (message) => {
      if (message.started) {
        // The studio stops us at the time limit; this is the backstop if it cannot.
        setTimeout(die, request.timeLimitMs + 2_000).unref();
        process.send?.(message);
        return;
      }
      process.send?.(message, () => process.exit(0));
    });
    worker.once('error', (error) => {
      process.send?.({ error: error.message }, () => process.exit(0));
    });
  });
} else {
  parentPort.postMessage(runQuery(workerData));
}
