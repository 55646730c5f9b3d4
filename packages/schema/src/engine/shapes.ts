import { z } from 'zod';
import { weekdays } from './constants.ts';

/** `scheduled_missions.schedule_days`: weekdays a `time` schedule runs on; empty = every day. */
export const scheduleDaysSchema = z.array(z.enum(weekdays));
export type ScheduleDays = z.infer<typeof scheduleDaysSchema>;
