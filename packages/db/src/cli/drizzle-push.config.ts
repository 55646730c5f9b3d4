import type { Config } from 'drizzle-kit';
import config from '../../../../drizzle.config.ts';

/**
 * The workspace's drizzle-kit config for `db:push`, without `strict`: strict makes push ask for a
 * confirmation of every change, and the command runs it with no terminal. Data-loss statements
 * still ask, which the command reports as a failure.
 */
export default { ...config, strict: false } satisfies Config;
