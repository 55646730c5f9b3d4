import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where a database is replicated: a folder, or a URL Litestream understands. */
export type ReplicaTarget =
  | { type: 'file'; path: string; display: string }
  | { type: 's3' | 'sftp' | 'gcs' | 'abs'; url: string; display: string };

/** The replica is not one Litestream can write to; the message says what was wrong with it. */
export class ReplicaTargetError extends Error {
  override readonly name = 'ReplicaTargetError';
}

const SCHEMES = ['s3', 'sftp', 'gcs', 'abs'] as const;
const USAGE = 'use a folder, s3://<bucket>/<path>, sftp://<user>@<host>/<path>, gcs:// or abs://';

/**
 * Reads a `--to`/`--from-replica` value: a folder (relative to `cwd`), `file://…`, or an
 * `s3://`, `sftp://`, `gcs://` or `abs://` URL. Credentials stay out of it where Litestream reads
 * them from the environment (S3: `LITESTREAM_ACCESS_KEY_ID`/`AWS_ACCESS_KEY_ID` and the secret
 * keys; GCS: `GOOGLE_APPLICATION_CREDENTIALS`; Azure: `LITESTREAM_AZURE_ACCOUNT_KEY`). `display`
 * is the target with any password masked, for logs.
 */
export function parseReplicaTarget(text: string, cwd = process.cwd()): ReplicaTarget {
  const value = text.trim();
  if (value === '') throw new ReplicaTargetError(`the replica is empty: ${USAGE}`);
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    const path = isAbsolute(value) ? value : resolve(cwd, value);
    return { type: 'file', path, display: path };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ReplicaTargetError(`the replica ${JSON.stringify(value)} is not a valid URL`);
  }
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (scheme === 'file') {
    const path = fileURLToPath(url);
    return { type: 'file', path, display: path };
  }
  const type = SCHEMES.find((s) => s === scheme);
  if (!type) throw new ReplicaTargetError(`unsupported replica ${scheme}://: ${USAGE}`);
  const display = url.password ? value.replace(`:${url.password}@`, ':***@') : value;
  if (url.hostname === '') {
    throw new ReplicaTargetError(
      `the replica ${display} names no ${type === 'sftp' ? 'host' : 'bucket'}`,
    );
  }
  if (type === 'sftp') {
    if (url.username === '') {
      throw new ReplicaTargetError(`the replica ${display} names no user (sftp://<user>@<host>/…)`);
    }
    if (url.pathname === '' || url.pathname === '/') {
      throw new ReplicaTargetError(`the replica ${display} names no folder on the server`);
    }
  }
  return { type, url: value, display };
}
