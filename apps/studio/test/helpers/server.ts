import type { AddressInfo } from 'node:net';
import type { DatabaseName } from '@agentstate/schema';
import { DatabaseCatalog } from '../../src/browser/catalog.ts';
import { SqlBox, type SqlBoxOptions } from '../../src/browser/sql-box.ts';
import { createStudioServer } from '../../src/server.ts';
import { http, type HttpAnswer } from './processes.ts';

/** What the API answers for a bad request or a missing thing. */
export interface ErrorBody {
  error: string;
}

export interface TestServer {
  port: number;
  catalog: DatabaseCatalog;
  sqlBox: SqlBox;
  /** GET `path`; the body parsed as JSON when it is JSON, typed as the shape the caller checks. */
  get<T = unknown>(
    path: string,
    headers?: Record<string, string>,
  ): Promise<HttpAnswer & { json: T }>;
  close(): Promise<void>;
}

/** The studio's real server (guard, API, SQL box) over real files, on a free loopback port. */
export async function startTestServer(
  paths: Partial<Record<DatabaseName, string>>,
  sql: SqlBoxOptions = {},
): Promise<TestServer> {
  const catalog = new DatabaseCatalog(paths, 'pokecode');
  const sqlBox = new SqlBox(sql);
  const server = createStudioServer({ catalog, sqlBox });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    catalog,
    sqlBox,
    async get<T>(path: string, headers?: Record<string, string>) {
      const answer = await http(port, { path, headers });
      let json: unknown;
      if (String(answer.headers['content-type']).startsWith('application/json')) {
        json = JSON.parse(answer.body);
      }
      return { ...answer, json: json as T };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          catalog.close();
          resolve();
        });
      }),
  };
}
