import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const uiFolder = fileURLToPath(new URL('../ui/', import.meta.url));

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface Asset {
  contentType: string;
  body: Buffer;
}

/**
 * The offline browser's files, read once into memory: only these names are ever served, so no
 * request path reaches the file system.
 */
export function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const file of readdirSync(uiFolder)) {
    const contentType = contentTypes[extname(file)];
    if (contentType) assets.set(file, { contentType, body: readFileSync(join(uiFolder, file)) });
  }
  return assets;
}
