import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expect } from '@jest/globals';
import { readCredentialsFile } from '../../local/dynamodb-credentials.ts';

export interface ChatLine {
  readonly from: 'customer' | 'technician';
  readonly name: string;
  readonly text: string;
}

/**
 * Writes chat lines straight into the runtime's table, as the session log
 * stores them, one millisecond apart from now: the API would take minutes for
 * a long log.
 */
export async function writeChatLines(credentialsFile: string, sessionId: string, lines: readonly ChatLine[]): Promise<void> {
  const access = await readCredentialsFile(credentialsFile);
  const documents = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: access.endpoint, region: access.region, credentials: access }),
  );
  try {
    const start = Date.now();
    const items = lines.map((line, index) => {
      const at = new Date(start + index).toISOString();
      return {
        pk: `SESSION#${sessionId}`,
        sk: `LOG#${at}#${String(index).padStart(9, '0')}f100d0`,
        kind: 'log',
        sessionId,
        at,
        type: 'chat',
        actor: { kind: line.from, name: line.name },
        message: line.text,
        details: { from: line.from },
      };
    });
    for (let offset = 0; offset < items.length; offset += 25) {
      const batch = items.slice(offset, offset + 25).map((Item) => ({ PutRequest: { Item } }));
      const result = await documents.send(new BatchWriteCommand({ RequestItems: { [access.table]: batch } }));
      expect(Object.keys(result.UnprocessedItems ?? {})).toEqual([]);
    }
  } finally {
    documents.destroy();
  }
}
