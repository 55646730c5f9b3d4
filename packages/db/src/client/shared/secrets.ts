import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  chmodSync,
  linkSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fsyncPath } from '../../backup/fsync.ts';
import { SecretError } from './errors.ts';

/**
 * Secrets at rest: AES-256-GCM with a key that never enters the database. The key comes from
 * `AGENTSTATE_SECRET_KEY` (32 bytes, base64 or hex), else from a key file (`AGENTSTATE_SECRET_KEY_FILE`,
 * default `~/.agentstate/secret.key`) created with mode 0600 on first use. Each value is bound to
 * where it is stored (additional authenticated data), so a ciphertext copied to another key or
 * database does not decrypt.
 */

export const SECRET_KEY_ENV = 'AGENTSTATE_SECRET_KEY';
export const SECRET_KEY_FILE_ENV = 'AGENTSTATE_SECRET_KEY_FILE';
const PREFIX = 'agentstate:aes-256-gcm:v1:';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SecretOptions {
  /** The key itself (32 bytes); wins over the environment and the key file. */
  key?: Buffer;
  /** Key file to read, or create on first use. */
  keyFile?: string;
  env?: NodeJS.ProcessEnv;
}

export function defaultKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  return env[SECRET_KEY_FILE_ENV] ?? join(homedir(), '.agentstate', 'secret.key');
}

function decodeKey(text: string, where: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_BYTES) {
    throw new SecretError(`${where}: expected a ${KEY_BYTES}-byte key (base64 or hex)`);
  }
  return key;
}

function readOrCreateKeyFile(path: string): Buffer {
  try {
    const mode = statSync(path).mode & 0o777;
    if (mode & 0o077) {
      throw new SecretError(
        `${path}: the secret key file is readable by others (mode ${mode.toString(8)}); chmod 600 it`,
      );
    }
    return decodeKey(readFileSync(path, 'utf8'), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // The key is written whole and flushed under a temporary name, then linked into place: another
  // process never reads a half-written key, and a key that secrets were sealed with survives a
  // crash. `link` fails if the file exists: a process that lost the race reads the winner's key.
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, `${randomBytes(KEY_BYTES).toString('base64')}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
    chmodSync(temporary, 0o600); // whatever the umask
    fsyncPath(temporary);
    try {
      linkSync(temporary, path);
      fsyncPath(dirname(path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  } finally {
    rmSync(temporary, { force: true });
  }
  return decodeKey(readFileSync(path, 'utf8'), path);
}

/** Encrypts and decrypts secret values; the key is loaded on first use. */
export class SecretBox {
  #key: Buffer | undefined;
  constructor(private readonly options: SecretOptions = {}) {}

  private key(): Buffer {
    if (this.#key) return this.#key;
    const env = this.options.env ?? process.env;
    if (this.options.key) this.#key = decodeKey(this.options.key.toString('base64'), 'key option');
    else if (env[SECRET_KEY_ENV] && !this.options.keyFile)
      this.#key = decodeKey(env[SECRET_KEY_ENV], SECRET_KEY_ENV);
    else this.#key = readOrCreateKeyFile(this.options.keyFile ?? defaultKeyFile(env));
    return this.#key;
  }

  /** `context` names where the value is stored, e.g. `mcpmaker.config.anthropic_api_key`. */
  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key(), iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  open(stored: string, context: string): string {
    if (!isSealed(stored)) throw new SecretError(`${context}: the stored value is not encrypted`);
    const raw = Buffer.from(stored.slice(PREFIX.length), 'base64');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new SecretError(`${context}: truncated secret`);
    const decipher = createDecipheriv('aes-256-gcm', this.key(), raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new SecretError(`${context}: cannot decrypt (wrong key, or the value was altered)`);
    }
  }
}

/** Whether a stored value is an encrypted envelope (and not a legacy plaintext value). */
export function isSealed(stored: string): boolean {
  return stored.startsWith(PREFIX);
}
