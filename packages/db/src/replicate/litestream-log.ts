/** One line of Litestream's JSON log (`logging: { type: json }`). */
export interface LitestreamLogLine {
  time: Date;
  level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  msg: string;
  fields: Record<string, unknown>;
}

/** A place in a generation's WAL history: `<generation>/<index, hex>:<offset>`. */
export interface ReplicaPosition {
  generation: string;
  index: number;
  offset: number;
}

/** Parses a JSON log line; undefined for anything else (a plain-text line before the config is read). */
export function parseLogLine(line: string): LitestreamLogLine | undefined {
  if (!line.startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { time, level, msg, ...fields } = value as Record<string, unknown>;
  if (typeof msg !== 'string' || typeof level !== 'string') return undefined;
  return {
    time: new Date(typeof time === 'string' ? time : Date.now()),
    level: level as LitestreamLogLine['level'],
    msg,
    fields,
  };
}

export function parsePosition(text: unknown): ReplicaPosition | undefined {
  if (typeof text !== 'string') return undefined;
  const [, generation, index, offset] = /^([0-9a-f]{16})\/([0-9a-f]{8}):(\d+)$/.exec(text) ?? [];
  if (generation === undefined || index === undefined || offset === undefined) return undefined;
  return { generation, index: Number.parseInt(index, 16), offset: Number(offset) };
}

export function formatPosition(position: ReplicaPosition): string {
  return `${position.generation}/${position.index.toString(16).padStart(8, '0')}:${position.offset}`;
}

/** The message of an error line: `msg: error`. */
export function errorText(line: LitestreamLogLine): string {
  const error = line.fields.error;
  return typeof error === 'string' && error !== '' ? `${line.msg}: ${error}` : line.msg;
}
