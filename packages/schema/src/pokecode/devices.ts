import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { createdAt, updatedAt } from './timestamps.ts';

/** Phones that connected to the server. `device_id` is chosen by the device. */
export const devices = sqliteTable(
  'devices',
  {
    deviceId: text('device_id').primaryKey(),
    deviceName: text('device_name').notNull(),
    platform: text('platform'),
    appVersion: text('app_version'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    lastConnectedAt: integer('last_connected_at', { mode: 'timestamp' })
      .notNull()
      .$defaultFn(() => new Date()),
  },
  (t) => [index('idx_devices_last_connected_at').on(t.lastConnectedAt)],
);
