import { parseAdminArguments, usage, UsageError, type AdminInvocation, type Target } from './arguments.ts';
import { AdminError, type AdminBackend, type TechnicianSummary } from './backend.ts';
import type { Group } from '#storage/directory';
import { executeWebhookCommand } from './webhook-commands.ts';
import { executeClientCommand } from './client-commands.ts';

export interface AdminIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export type BackendFactory = (target: Target) => Promise<AdminBackend>;

/** Picks the backend for a target; the AWS SDK clients load only when they are used. */
export const defaultBackendFactory: BackendFactory = async (target) => {
  if (target.kind === 'local') {
    const { LocalBackend } = await import('./local-backend.ts');
    if ('credentialsFile' in target) return LocalBackend.fromCredentialsFile(target.credentialsFile);
    return new LocalBackend(target.endpoint, target.table);
  }
  const { AwsBackend, describeStack } = await import('./aws-backend.ts');
  return new AwsBackend(await describeStack(target.stack, target.region), target.region);
};

function technicianLine(technician: TechnicianSummary): string {
  const parts = [technician.username];
  if (technician.displayName && technician.displayName !== technician.username) parts.push(`"${technician.displayName}"`);
  if (technician.email) parts.push(`<${technician.email}>`);
  parts.push(`groups: ${technician.groups.length > 0 ? technician.groups.join(', ') : '(none)'}`);
  if (technician.status) parts.push(`[${technician.status}]`);
  return parts.join('  ');
}

function groupLine(group: Group): string {
  const allowed = (['privateSessions', 'pinCode'] as const).filter((permission) => group.permissions[permission]);
  const settings = group.settings?.verificationCodeAtStart ? '  (verification code at start)' : '';
  return `${group.name}  ${allowed.length > 0 ? allowed.join(', ') : '(no permissions)'}${settings}`;
}

async function execute(invocation: AdminInvocation, backend: AdminBackend, io: AdminIo): Promise<void> {
  const { command, json } = invocation;
  const print = (value: unknown, text: () => string[]) =>
    json ? io.out(JSON.stringify(value, null, 2)) : text().forEach((line) => io.out(line));
  switch (command.kind) {
    case 'technicians-create': {
      const created = await backend.createTechnician(command);
      print({ technician: created }, () => [`created ${technicianLine(created)}`]);
      return;
    }
    case 'technicians-list': {
      const technicians = await backend.listTechnicians();
      print({ technicians }, () => (technicians.length > 0 ? technicians.map(technicianLine) : ['no technicians']));
      return;
    }
    case 'technicians-delete':
      await backend.deleteTechnician(command.username);
      print({ deleted: command.username }, () => [`deleted ${command.username}`]);
      return;
    case 'technicians-add-to-group': {
      const technician = await backend.addToGroup(command.username, command.group);
      print({ technician }, () => [`added ${command.username} to ${command.group}: ${technicianLine(technician)}`]);
      return;
    }
    case 'groups-put': {
      const group: Group = {
        name: command.name,
        permissions: { privateSessions: command.privateSessions, pinCode: command.pinCode },
        ...(command.verificationCodeAtStart ? { settings: { verificationCodeAtStart: true } } : {}),
      };
      await backend.putGroup(group);
      print({ group }, () => [`saved ${groupLine(group)}`]);
      return;
    }
    case 'groups-list': {
      const groups = await backend.listGroups();
      print({ groups }, () => (groups.length > 0 ? groups.map(groupLine) : ['no groups']));
      return;
    }
    case 'help':
      io.out(usage);
      return;
    case 'clients-put':
    case 'clients-list':
    case 'clients-remove':
      await executeClientCommand(command, backend.webhooks.table, print);
      return;
    default:
      await executeWebhookCommand(command, backend.webhooks, backend.allowPrivateWebhooks, print);
  }
}

/** Runs one admin command; returns the process exit code (0 done, 1 failed, 2 bad usage). */
export async function runAdmin(
  argv: readonly string[],
  io: AdminIo,
  env: Readonly<Record<string, string | undefined>> = process.env,
  backendFactory: BackendFactory = defaultBackendFactory,
): Promise<number> {
  let invocation: AdminInvocation;
  try {
    invocation = parseAdminArguments(argv, env);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`admin: ${error.message}\n\n${usage}`);
      return 2;
    }
    throw error;
  }
  if (invocation.command.kind === 'help' || !invocation.target) {
    io.out(usage);
    return 0;
  }
  let backend: AdminBackend | undefined;
  try {
    backend = await backendFactory(invocation.target);
    await execute(invocation, backend, io);
    return 0;
  } catch (error) {
    const message =
      error instanceof AdminError ? error.message : `${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
    io.err(`admin: ${message}`);
    return 1;
  } finally {
    backend?.close();
  }
}
