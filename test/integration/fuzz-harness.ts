import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from '@jest/globals';
import { explained } from '../support/explained.ts';
import { silentLogger } from '../../local/lambda-invoker.ts';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime.ts';
import { dynamoDbEndpoint } from '../support/dynamodb.ts';
import type { RawResponse } from '../../load/api-client.ts';

/**
 * Shared by the fuzz and authorization-matrix tests: the real local runtime
 * (route table, gateway, handlers) in this test process, on its own table in
 * the integration project's DynamoDB Local, so a test can both call the API
 * over HTTP/WebSocket and scan the table behind it.
 */
export async function startFuzzRuntime(env: Record<string, string> = {}): Promise<LocalRuntime & { cleanUp(): Promise<void> }> {
  Object.assign(process.env, env);
  const siteDirectory = mkdtempSync(path.join(os.tmpdir(), 'fuzz-site-'));
  const runtime = await startLocalRuntime({
    port: 0,
    dynamoDbEndpoint: dynamoDbEndpoint(),
    tableName: `fuzz-${randomUUID()}`,
    buildSite: false,
    siteDirectory,
    sweepIntervalSeconds: 3600,
    log: silentLogger,
  });
  return Object.assign(runtime, {
    async cleanUp() {
      await runtime.stop();
      rmSync(siteDirectory, { recursive: true, force: true });
    },
  });
}

/**
 * Every item of the table except the traces a refused request is *meant* to
 * leave: the redeem counters (`RATE#...`: a rejected PIN counts against the
 * client's and the global budget) and `denied` entries in the log of a session
 * someone reached for without the right to.
 */
export async function tableSnapshot(runtime: LocalRuntime, options: { ignoreConnections?: boolean } = {}): Promise<string[]> {
  const items: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await runtime.table.client.send(
      new ScanCommand({ TableName: runtime.table.name, ConsistentRead: true, ExclusiveStartKey: startKey }),
    );
    for (const item of page.Items ?? []) {
      const pk = String(item.pk);
      if (pk.startsWith('RATE#')) continue;
      if (item.kind === 'log' && item.type === 'denied') continue;
      if (options.ignoreConnections && (pk.startsWith('CONN#') || String(item.sk).startsWith('CONN#'))) continue;
      items.push(
        JSON.stringify(
          Object.keys(item)
            .sort()
            .map((name): [string, unknown] => [name, item[name]]),
        ),
      );
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items.sort();
}

/** Names that would tell an attacker about the implementation; a response may contain one only if the request did. */
const internalMarkers = [
  /\bat [\w.<>]+ \(/, // stack frame
  /\.ts:\d+/,
  /node_modules/,
  /Exception\b/,
  /"stack"/,
  /ConditionalCheck/,
  /TransactionCanceled/,
  /SESSION#/,
  /PIN#/,
  /TICKET#/,
  /PROGRESS#/,
  /RATE#/,
  /CONN#/,
  /ttl/,
  /pinHash|ticketHash/,
  /fuzz-[0-9a-f]{8}/, // the table name
  /dynamodb/i,
];

export type GatewayMessage = 'Unauthorized' | 'Not Found';

/**
 * A clean client error: 4xx, JSON in the product's error shape (or API
 * Gateway's own `{"message"}` where the gateway answers before any handler),
 * with nothing internal in it.
 */
export function expectCleanClientError(
  response: RawResponse,
  requestText: string,
  allowed: { statuses: readonly number[]; codes?: readonly string[]; gateway?: GatewayMessage },
): void {
  const context = `${response.status} ${response.text.slice(0, 400)} <- ${requestText.slice(0, 300)}`;
  explained(context, () => expect(response.status).toBeGreaterThanOrEqual(400));
  explained(context, () => expect(response.status).toBeLessThan(500));
  explained(context, () => expect(allowed.statuses).toContain(response.status));
  explained(context, () => expect(typeof response.json).toBe('object'));
  const body = response.json as { error?: { code?: unknown; message?: unknown }; message?: unknown };
  if (allowed.gateway && body.message !== undefined) {
    explained(context, () => expect(body).toEqual({ message: allowed.gateway }));
  } else {
    explained(context, () => expect(typeof body.error?.code).toBe('string'));
    explained(context, () => expect(typeof body.error?.message).toBe('string'));
    if (allowed.codes) explained(context, () => expect(allowed.codes).toContain(body.error?.code));
  }
  for (const marker of internalMarkers) {
    if (marker.test(response.text) && !marker.test(requestText)) {
      throw new Error(`response leaks ${marker}: ${context}`);
    }
  }
}

/** Strings that have broken other systems: injection syntax of SQL, NoSQL, DynamoDB expressions and our own keys, traversal, unicode traps. */
export const hostileStrings: readonly string[] = [
  "' OR '1'='1",
  '1; DROP TABLE sessions; --',
  '{"$ne": null}',
  '{"$gt": ""}',
  '#pk',
  ':v',
  '#status = :status OR attribute_exists(pk)',
  'SESSION#x',
  'SESSION#',
  'PIN#000000',
  'TICKET#',
  'RATE#redeem-fail#global',
  'LOG#',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2f',
  '%00',
  '\u0000',
  'abc\u0000def',
  '${process.env.PIN_SECRET}',
  '{{constructor.constructor("return process")()}}',
  '__proto__',
  'constructor',
  '<script>alert(1)</script>',
  '\u202Egnp.exe',
  'مرحبا بالعالم',
  '\u200B\u200C\u200D\u2060',
  '\uFEFF',
  '😀👩‍👩‍👧‍👦🏳️‍🌈',
  '\uD800',
  '\uDFFF',
  'a\uD83Db',
  'Z̸̢̛̛a̷l̵g̸o̸',
  '\r\nX-Injected: 1',
  ' ',
  '',
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  '------------------------------------',
  'x'.repeat(5000),
];
