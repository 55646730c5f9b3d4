'use strict';
/**
 * Loaded into drizzle-kit's process (`node --require preload.cjs bin.cjs studio ...`).
 *
 * 1. No orphan: when the studio process that started drizzle-kit dies, even by SIGKILL, drizzle-kit
 *    is re-parented; it notices within a second and exits instead of staying on its port. (Not a
 *    stdin pipe: reading stdin here deadlocks with the resolve hook's loader thread on Node 20.)
 * 2. drizzle-kit opens the database with a bare `new Database(url)` (no busy timeout, foreign keys
 *    off, always writable). A resolve hook hands its `import("better-sqlite3")` the configured
 *    subclass in configured-sqlite.cjs instead.
 */
const { register } = require('node:module');
const { pathToFileURL } = require('node:url');
const { join } = require('node:path');

const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 1000).unref();

register(pathToFileURL(join(__dirname, 'resolve-hooks.mjs')), {
  data: { replacement: pathToFileURL(join(__dirname, 'configured-sqlite.cjs')).href },
});
