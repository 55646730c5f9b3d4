// Electron's main process: opens the database once the app is ready, serves the renderer over
// IPC, and closes the file (folding its WAL back) when the app quits.
import { app, BrowserWindow, ipcMain } from 'electron';
import { openAppDatabase } from './database.mjs';

let database;

app.whenReady().then(async () => {
  database = await openAppDatabase(app.getPath('userData'));
  const { pokecode } = database;

  ipcMain.handle('sessions:create', (_event, input) => pokecode.createSession(input));
  ipcMain.handle('jobs:enqueue', (_event, job) => pokecode.jobs.enqueue(job));
  ipcMain.handle('jobs:claim', (_event, worker) => pokecode.jobs.claim({ worker }) ?? null);

  const window = new BrowserWindow({ width: 800, height: 600 });
  await window.loadURL(`data:text/html,<p>database: ${database.handle.path}</p>`);
});

app.on('window-all-closed', () => app.quit());
app.on('will-quit', () => database?.handle.close());
