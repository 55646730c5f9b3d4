// The app's database, in the main process only: better-sqlite3 is a native addon that blocks
// the thread it runs on, so a renderer asks the main process over IPC (see main.mjs).
import { join } from 'node:path';
import { createClient, openDatabase } from '@agentstate/db';

/**
 * Opens the PokéCode job queue in `folder` (Electron's `app.getPath('userData')`): creates the
 * file, or migrates it to this release's schema with a backup first, and returns its client.
 */
export async function openAppDatabase(folder) {
  const handle = await openDatabase('pokecode', { path: join(folder, 'pokecode.db') });
  return { handle, pokecode: createClient('pokecode', handle) };
}
