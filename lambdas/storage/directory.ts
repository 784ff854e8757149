import { GetCommand, PutCommand, DeleteCommand, ScanCommand, BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { Table } from './dynamo-client.ts';
import { keys } from './keys.ts';

/**
 * Technician groups and their permissions (stored here in AWS too), and the
 * technician directory of the local identity provider (Cognito holds it in AWS).
 */
export interface GroupPermissions {
  readonly privateSessions: boolean;
  readonly pinCode: boolean;
}

/** Group settings that change how a permitted action works, not whether it is allowed. */
export interface GroupSettings {
  /** Start needs the two-digit verification code the customer reads out. */
  readonly verificationCodeAtStart?: boolean;
}

export interface Group {
  readonly name: string;
  readonly permissions: GroupPermissions;
  readonly settings?: GroupSettings;
}

function settingsOf(item: Record<string, unknown>): { settings?: GroupSettings } {
  const settings = (item.settings ?? {}) as GroupSettings;
  return settings.verificationCodeAtStart === true ? { settings: { verificationCodeAtStart: true } } : {};
}

export interface LocalTechnician {
  readonly username: string;
  /** Stable subject, as Cognito's `sub`. */
  readonly sub: string;
  readonly displayName: string;
  readonly groups: readonly string[];
}

export const permissionNames = ['privateSessions', 'pinCode'] as const;
export type PermissionName = (typeof permissionNames)[number];

export async function putGroup(table: Table, group: Group): Promise<void> {
  await table.client.send(
    new PutCommand({
      TableName: table.name,
      Item: {
        ...keys.group(group.name),
        kind: 'group',
        name: group.name,
        permissions: group.permissions,
        ...(group.settings ? { settings: group.settings } : {}),
      },
    }),
  );
}

export async function deleteGroup(table: Table, name: string): Promise<void> {
  await table.client.send(new DeleteCommand({ TableName: table.name, Key: keys.group(name) }));
}

export async function getGroups(table: Table, names: readonly string[]): Promise<Group[]> {
  const unique = [...new Set(names)].slice(0, 100);
  if (unique.length === 0) return [];
  const result = await table.client.send(
    new BatchGetCommand({
      RequestItems: { [table.name]: { Keys: unique.map((name) => keys.group(name)), ConsistentRead: true } },
    }),
  );
  return (result.Responses?.[table.name] ?? []).map((item) => ({
    name: String(item.name),
    permissions: {
      privateSessions: (item.permissions as Partial<Group['permissions']> | undefined)?.privateSessions === true,
      pinCode: (item.permissions as Partial<Group['permissions']> | undefined)?.pinCode === true,
    },
    ...settingsOf(item),
  }));
}

/** Admin listing; a table scan filtered to one item kind (rare, small). */
async function scanKind(table: Table, kind: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.client.send(
      new ScanCommand({
        TableName: table.name,
        FilterExpression: 'kind = :kind',
        ExpressionAttributeValues: { ':kind': kind },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

export async function listGroups(table: Table): Promise<Group[]> {
  const items = await scanKind(table, 'group');
  return items
    .map((item) => {
      const permissions = (item.permissions ?? {}) as Partial<GroupPermissions>;
      return {
        name: String(item.name),
        permissions: { privateSessions: permissions.privateSessions === true, pinCode: permissions.pinCode === true },
        ...settingsOf(item),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export async function putLocalTechnician(table: Table, technician: LocalTechnician): Promise<void> {
  await table.client.send(
    new PutCommand({
      TableName: table.name,
      Item: { ...keys.user(technician.username), kind: 'user', ...technician, groups: [...technician.groups] },
    }),
  );
}

export async function getLocalTechnician(table: Table, username: string): Promise<LocalTechnician | undefined> {
  const result = await table.client.send(new GetCommand({ TableName: table.name, Key: keys.user(username), ConsistentRead: true }));
  const item = result.Item;
  if (!item) return undefined;
  return {
    username: String(item.username),
    sub: String(item.sub),
    displayName: String(item.displayName),
    groups: Array.isArray(item.groups) ? item.groups.map(String) : [],
  };
}

export async function deleteLocalTechnician(table: Table, username: string): Promise<void> {
  await table.client.send(new DeleteCommand({ TableName: table.name, Key: keys.user(username) }));
}

export async function listLocalTechnicians(table: Table): Promise<LocalTechnician[]> {
  const items = await scanKind(table, 'user');
  return items
    .map((item) => ({
      username: String(item.username),
      sub: String(item.sub),
      displayName: String(item.displayName),
      groups: Array.isArray(item.groups) ? item.groups.map(String) : [],
    }))
    .sort((a, b) => a.username.localeCompare(b.username));
}

/** The seeded demo technicians and groups: alice/Support (private sessions + PIN code), bob/Helpdesk (private sessions only), carol/Observers (neither). */
export const seedGroups: readonly Group[] = [
  { name: 'Support', permissions: { privateSessions: true, pinCode: true } },
  { name: 'Helpdesk', permissions: { privateSessions: true, pinCode: false } },
  { name: 'Observers', permissions: { privateSessions: false, pinCode: false } },
];

export const seedTechnicians: readonly LocalTechnician[] = [
  { username: 'alice', sub: '6f1c2a9e-0a11-4c1e-9a57-a11ce0000001', displayName: 'Alice Adler', groups: ['Support'] },
  { username: 'bob', sub: '6f1c2a9e-0a11-4c1e-9a57-b0b000000002', displayName: 'Bob Becker', groups: ['Helpdesk'] },
  { username: 'carol', sub: '6f1c2a9e-0a11-4c1e-9a57-ca7010000003', displayName: 'Carol Clausen', groups: ['Observers'] },
];
