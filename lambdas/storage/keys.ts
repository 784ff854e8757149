import { DEADLINE_SHARDS } from './table-definition.ts';

/** Key builders for every item kind of the single table; see table-definition.ts. */
export const keys = {
  session: (id: string) => ({ pk: `SESSION#${id}`, sk: 'SESSION' }),
  logEntryPrefix: 'LOG#',
  logEntry: (sessionId: string, at: string, unique: string) => ({ pk: `SESSION#${sessionId}`, sk: `LOG#${at}#${unique}` }),
  pin: (pinHash: string) => ({ pk: `PIN#${pinHash}`, sk: 'PIN' }),
  ticket: (ticketHash: string) => ({ pk: `TICKET#${ticketHash}`, sk: 'TICKET' }),
  progressToken: (tokenHash: string) => ({ pk: `PROGRESS#${tokenHash}`, sk: 'PROGRESS' }),
  connection: (connectionId: string) => ({ pk: `CONN#${connectionId}`, sk: 'CONN' }),
  group: (name: string) => ({ pk: `GROUP#${name}`, sk: 'GROUP' }),
  user: (username: string) => ({ pk: `USER#${username}`, sk: 'USER' }),
  rateWindow: (scope: string, client: string, window: number) => ({ pk: `RATE#${scope}#${client}`, sk: `WINDOW#${window}` }),
  technicianPartition: (technicianId: string) => `TECH#${technicianId}`,
  openSessionSortKey: (createdAt: string, id: string) => `SESSION#${createdAt}#${id}`,
  technicianConnectionSortKey: (connectionId: string) => `CONN#${connectionId}`,
  deadlinePartition: (sessionId: string) => `DEADLINE#${shardOf(sessionId)}`,
  deadlinePartitions: () => Array.from({ length: DEADLINE_SHARDS }, (_, shard) => `DEADLINE#${shard}`),
  deadlineSortKey: (deadlineAt: string, sessionId: string) => `${deadlineAt}#${sessionId}`,
};

function shardOf(id: string): number {
  let sum = 0;
  for (let i = 0; i < id.length; i += 1) sum = (sum + id.charCodeAt(i)) % DEADLINE_SHARDS;
  return sum;
}
