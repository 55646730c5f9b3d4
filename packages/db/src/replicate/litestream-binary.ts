import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Overrides the binary, for a platform @flydotio/litestream ships none for. */
export const LITESTREAM_BINARY_ENV = 'AGENTSTATE_LITESTREAM';

/** Thrown when no Litestream binary can be found for this platform. */
export class LitestreamMissingError extends Error {
  override readonly name = 'LitestreamMissingError';
}

/**
 * The Litestream v0.3.13 binary: `$AGENTSTATE_LITESTREAM`, else the one the platform package of
 * `@flydotio/litestream` ships (`@flydotio/litestream-<platform>-<arch>`, an optional dependency
 * of it, so it is resolved from that package, not from this one).
 */
export function litestreamBinary(env: NodeJS.ProcessEnv = process.env): string {
  const override = env[LITESTREAM_BINARY_ENV];
  if (override) {
    if (!existsSync(override)) {
      throw new LitestreamMissingError(`${LITESTREAM_BINARY_ENV}=${override} does not exist`);
    }
    return override;
  }
  const platformPackage = `@flydotio/litestream-${process.platform}-${process.arch}`;
  try {
    const wrapper = createRequire(import.meta.url).resolve('@flydotio/litestream/package.json');
    const manifest = createRequire(wrapper).resolve(`${platformPackage}/package.json`);
    return join(dirname(manifest), 'litestream');
  } catch {
    throw new LitestreamMissingError(
      `no Litestream binary for ${process.platform}-${process.arch} (${platformPackage} is not installed); set ${LITESTREAM_BINARY_ENV} to a litestream v0.3 binary`,
    );
  }
}
