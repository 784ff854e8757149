import {
  deleteIntegrationClient,
  getIntegrationClient,
  listIntegrationClients,
  putIntegrationClient,
  type IntegrationClient,
} from '#storage/clients';
import type { Table } from '#storage/dynamo-client';
import { AdminError } from './backend.ts';

/** `clients ...` of the admin CLI: which technician groups an integration client (OAuth client id) may act for. */
export type ClientCommand =
  | { readonly kind: 'clients-put'; readonly clientId: string; readonly name: string; readonly groups: readonly string[] }
  | { readonly kind: 'clients-list' }
  | { readonly kind: 'clients-remove'; readonly clientId: string };

export const clientUsage = `  clients put <client id> --name <shown as actor> --group <group>...
                     lets an integration client (stack output IntegrationClientId) act for technicians of these groups
  clients list
  clients remove <client id>`;

const clientIdPattern = /^[A-Za-z0-9_-]{1,128}$/;

export function parseClientCommand(
  subcommand: string | undefined,
  rest: readonly string[],
  values: Record<string, unknown>,
  fail: (message: string) => never,
): ClientCommand {
  const [clientId, ...extra] = rest;
  if (subcommand === 'list') {
    if (rest.length > 0) fail(`unexpected argument "${rest[0]}"`);
    return { kind: 'clients-list' };
  }
  if (subcommand !== 'put' && subcommand !== 'remove') {
    return fail(subcommand === undefined ? 'missing clients subcommand (put, list, remove)' : `unknown clients subcommand "${subcommand}"`);
  }
  if (clientId === undefined) fail('missing client id');
  if (!clientIdPattern.test(clientId)) fail(`"${clientId}" is not a client id`);
  if (extra.length > 0) fail(`unexpected argument "${extra[0]}"`);
  if (subcommand === 'remove') return { kind: 'clients-remove', clientId };
  const name = (values.name as string | undefined)?.trim();
  if (!name || name.length > 100) fail('clients put needs --name (1 to 100 characters): the session log shows it as the actor');
  const groups = (values.group as string[] | undefined) ?? [];
  if (groups.length === 0) fail('clients put needs at least one --group');
  return { kind: 'clients-put', clientId, name, groups };
}

const clientLine = (client: IntegrationClient) => `${client.clientId}  "${client.name}"  groups: ${client.groups.join(', ')}`;

export async function executeClientCommand(
  command: ClientCommand,
  table: Table,
  print: (value: unknown, text: () => string[]) => void,
): Promise<void> {
  switch (command.kind) {
    case 'clients-put': {
      const client: IntegrationClient = { clientId: command.clientId, name: command.name, groups: command.groups };
      await putIntegrationClient(table, client);
      print({ client }, () => [`saved ${clientLine(client)}`]);
      return;
    }
    case 'clients-list': {
      const clients = await listIntegrationClients(table);
      print({ clients }, () => (clients.length > 0 ? clients.map(clientLine) : ['no integration clients']));
      return;
    }
    case 'clients-remove':
      if (!(await getIntegrationClient(table, command.clientId))) throw new AdminError(`no integration client "${command.clientId}"`);
      await deleteIntegrationClient(table, command.clientId);
      print({ removed: command.clientId }, () => [`removed ${command.clientId}`]);
  }
}
