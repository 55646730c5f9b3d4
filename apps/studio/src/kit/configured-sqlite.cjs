'use strict';
/**
 * better-sqlite3 as drizzle-kit studio gets it: every connection has a busy timeout and foreign
 * keys on, like agentstate's own connections, and is opened with SQLite's read-only mode
 * (plus query_only) unless the studio was started with --write.
 */
const { createRequire } = require('node:module');

// Resolved from drizzle-kit's own location, so it is the copy drizzle-kit would have loaded.
const Database = createRequire(process.argv[1])('better-sqlite3');
const readonly = process.env.AGENTSTATE_STUDIO_READONLY === '1';
const busyTimeoutMs = Number(process.env.AGENTSTATE_STUDIO_BUSY_TIMEOUT_MS || 5000);

class ConfiguredDatabase extends Database {
  constructor(filename, options) {
    super(filename, readonly ? { ...options, readonly: true, fileMustExist: true } : options);
    this.pragma(`busy_timeout = ${busyTimeoutMs}`);
    this.pragma('foreign_keys = ON');
    if (readonly) this.pragma('query_only = 1');
  }
}

module.exports = ConfiguredDatabase;
module.exports.SqliteError = Database.SqliteError;
