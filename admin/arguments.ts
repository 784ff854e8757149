import { parseArgs } from 'node:util';
import { parseWebhookCommand, webhookUsage, type WebhookCommand } from './webhook-commands.ts';
import { clientUsage, parseClientCommand, type ClientCommand } from './client-commands.ts';

/** What the admin CLI was asked to do, after validation. */
export type AdminCommand =
  | { readonly kind: 'help' }
  | {
      readonly kind: 'technicians-create';
      readonly username: string;
      readonly email?: string;
      readonly displayName?: string;
      readonly groups: readonly string[];
    }
  | { readonly kind: 'technicians-list' }
  | { readonly kind: 'technicians-delete'; readonly username: string }
  | { readonly kind: 'technicians-add-to-group'; readonly username: string; readonly group: string }
  | {
      readonly kind: 'groups-put';
      readonly name: string;
      readonly privateSessions: boolean;
      readonly pinCode: boolean;
      readonly verificationCodeAtStart: boolean;
    }
  | { readonly kind: 'groups-list' }
  | WebhookCommand
  | ClientCommand;

export type Target =
  | { readonly kind: 'local'; readonly endpoint: string; readonly table: string }
  /** The local runtime's own DynamoDB Local: endpoint, table and its per-run key come from the file it wrote. */
  | { readonly kind: 'local'; readonly credentialsFile: string }
  | { readonly kind: 'aws'; readonly stack: string; readonly region?: string };

export interface AdminInvocation {
  readonly command: AdminCommand;
  /** Absent only for help. */
  readonly target?: Target;
  readonly json: boolean;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const usage = `Usage: npm run admin -- <command> [options]

Manage technicians and their groups, in the local runtime or a deployed stack.

Commands:
  technicians create <username> [--email <address>] [--name <display name>] [--group <group>]...
  technicians list
  technicians delete <username>
  technicians add-to-group <username> <group>     (also: add-to-group <username> <group>)
  groups put <name> [--private-sessions] [--pin-code] [--verification-code-at-start]
                     creates or replaces the group; a permission not given is denied;
                     --verification-code-at-start: Start needs the two-digit code the customer reads out
  groups list
${webhookUsage}
${clientUsage}

Target (default: aws when --stack or REMOTE_SUPPORT_STACK is given, local otherwise):
  --target local     the local runtime's DynamoDB
    --credentials-file <path>  the file npm start prints (mode 600: endpoint, table and the run's
                       access key; DynamoDB Local shows the runtime's table to that key only),
                       or DYNAMODB_LOCAL_CREDENTIALS_FILE
    --endpoint <url>   another DynamoDB endpoint, or DYNAMODB_ENDPOINT (AWS_* credentials from the environment)
    --table <name>     table name, or TABLE_NAME (default remote-support)
  --target aws       a deployed stack: Cognito for technicians, DynamoDB for group permissions
    --stack <name>     CloudFormation stack name, or REMOTE_SUPPORT_STACK (default RemoteSupport)
    --region <region>  or AWS_REGION; credentials come from the usual AWS environment/profile

Other options:
  --json             print results as JSON
  -h, --help         this help

Exit codes: 0 done, 1 the operation failed, 2 bad usage.`;

const namePattern = /^[\p{L}\p{N}_.@+-]{1,128}$/u;
const groupPattern = /^[\p{L}\p{N}_.+-]{1,128}$/u;

function requireName(value: string | undefined, what: string, pattern: RegExp): string {
  if (value === undefined) throw new UsageError(`missing ${what}`);
  if (!pattern.test(value))
    throw new UsageError(`${what} "${value}" may only contain letters, digits and _ . + - (and @ for user names), up to 128 characters`);
  return value;
}

function noMore(rest: readonly string[]): void {
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
}

type Env = Readonly<Record<string, string | undefined>>;

export function parseAdminArguments(argv: readonly string[], env: Env = {}): AdminInvocation {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        json: { type: 'boolean' },
        target: { type: 'string' },
        endpoint: { type: 'string' },
        table: { type: 'string' },
        'credentials-file': { type: 'string' },
        stack: { type: 'string' },
        region: { type: 'string' },
        email: { type: 'string' },
        name: { type: 'string' },
        group: { type: 'string', multiple: true },
        'private-sessions': { type: 'boolean' },
        'pin-code': { type: 'boolean' },
        url: { type: 'string' },
        events: { type: 'string' },
        secret: { type: 'string' },
        limit: { type: 'string' },
        'verification-code-at-start': { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const json = values.json === true;
  if (values.help || positionals.length === 0) return { command: { kind: 'help' }, json };

  const command = parseCommand(positionals, values);
  const onlyFor = (option: keyof typeof values, kinds: AdminCommand['kind'][]) => {
    if (values[option] !== undefined && !kinds.includes(command.kind)) throw new UsageError(`--${option} does not apply to this command`);
  };
  onlyFor('email', ['technicians-create']);
  onlyFor('name', ['technicians-create', 'clients-put']);
  onlyFor('group', ['technicians-create', 'clients-put']);
  onlyFor('private-sessions', ['groups-put']);
  onlyFor('pin-code', ['groups-put']);
  onlyFor('url', ['webhooks-add']);
  onlyFor('events', ['webhooks-add']);
  onlyFor('secret', ['webhooks-add']);
  onlyFor('limit', ['webhooks-deliveries']);
  onlyFor('verification-code-at-start', ['groups-put']);
  return { command, target: resolveTarget(values, env), json };
}

function parseCommand(positionals: readonly string[], values: Record<string, unknown>): AdminCommand {
  const [first, second, ...rest] = positionals;
  if (first === 'add-to-group') return parseCommand(['technicians', 'add-to-group', ...positionals.slice(1)], values);
  if (first === 'technicians') {
    switch (second) {
      case 'create': {
        const [username, ...extra] = rest;
        noMore(extra);
        const email = values.email as string | undefined;
        if (email !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
          throw new UsageError(`--email "${email}" is not an e-mail address`);
        const displayName = values.name as string | undefined;
        if (displayName !== undefined && (displayName.trim() === '' || displayName.length > 100))
          throw new UsageError('--name must be 1 to 100 characters');
        const groups = ((values.group as string[] | undefined) ?? []).map((group) => requireName(group, 'group name', groupPattern));
        return { kind: 'technicians-create', username: requireName(username, 'user name', namePattern), email, displayName, groups };
      }
      case 'list':
        noMore(rest);
        return { kind: 'technicians-list' };
      case 'delete': {
        const [username, ...extra] = rest;
        noMore(extra);
        return { kind: 'technicians-delete', username: requireName(username, 'user name', namePattern) };
      }
      case 'add-to-group': {
        const [username, group, ...extra] = rest;
        noMore(extra);
        return {
          kind: 'technicians-add-to-group',
          username: requireName(username, 'user name', namePattern),
          group: requireName(group, 'group name', groupPattern),
        };
      }
      default:
        throw new UsageError(
          second === undefined
            ? 'missing technicians subcommand (create, list, delete, add-to-group)'
            : `unknown technicians subcommand "${second}"`,
        );
    }
  }
  if (first === 'groups') {
    switch (second) {
      case 'put': {
        const [name, ...extra] = rest;
        noMore(extra);
        return {
          kind: 'groups-put',
          name: requireName(name, 'group name', groupPattern),
          privateSessions: values['private-sessions'] === true,
          pinCode: values['pin-code'] === true,
          verificationCodeAtStart: values['verification-code-at-start'] === true,
        };
      }
      case 'list':
        noMore(rest);
        return { kind: 'groups-list' };
      default:
        throw new UsageError(second === undefined ? 'missing groups subcommand (put, list)' : `unknown groups subcommand "${second}"`);
    }
  }
  if (first === 'clients') {
    return parseClientCommand(second, rest, values, (message) => {
      throw new UsageError(message);
    });
  }
  if (first === 'webhooks') {
    return parseWebhookCommand(second, rest, values, (message) => {
      throw new UsageError(message);
    });
  }
  throw new UsageError(`unknown command "${first}"`);
}

function resolveTarget(values: Record<string, unknown>, env: Env): Target {
  const explicit = values.target as string | undefined;
  if (explicit !== undefined && explicit !== 'local' && explicit !== 'aws')
    throw new UsageError(`--target must be local or aws, got "${explicit}"`);
  const stackGiven = (values.stack as string | undefined) ?? env.REMOTE_SUPPORT_STACK;
  const kind = explicit ?? (stackGiven ? 'aws' : 'local');
  if (kind === 'local') {
    if (values.stack !== undefined || values.region !== undefined) throw new UsageError('--stack and --region apply to --target aws');
    const credentialsFile = (values['credentials-file'] as string | undefined) ?? env.DYNAMODB_LOCAL_CREDENTIALS_FILE;
    if (credentialsFile !== undefined) {
      if (values.endpoint !== undefined || values.table !== undefined)
        throw new UsageError('--credentials-file names the endpoint and table already; drop --endpoint and --table');
      if (credentialsFile === '') throw new UsageError('--credentials-file needs a path');
      return { kind: 'local', credentialsFile };
    }
    const endpoint = (values.endpoint as string | undefined) ?? env.DYNAMODB_ENDPOINT;
    if (!endpoint) {
      throw new UsageError(
        'no local DynamoDB: pass --credentials-file <path> (npm start prints the line to use) or --endpoint http://127.0.0.1:<port>; for a deployed stack use --target aws --stack <name>',
      );
    }
    if (!/^https?:\/\/[^\s/]+(\/.*)?$/.test(endpoint)) throw new UsageError(`--endpoint "${endpoint}" is not an http(s) URL`);
    const table = (values.table as string | undefined) ?? env.TABLE_NAME ?? 'remote-support';
    if (!/^[A-Za-z0-9_.-]{3,255}$/.test(table)) throw new UsageError(`--table "${table}" is not a DynamoDB table name`);
    return { kind: 'local', endpoint, table };
  }
  if (values.endpoint !== undefined || values.table !== undefined || values['credentials-file'] !== undefined) {
    throw new UsageError('--endpoint, --table and --credentials-file apply to --target local');
  }
  const stack = stackGiven ?? 'RemoteSupport';
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stack)) throw new UsageError(`--stack "${stack}" is not a CloudFormation stack name`);
  const region = (values.region as string | undefined) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new UsageError(`--region "${region}" is not an AWS region`);
  return { kind: 'aws', stack, region };
}
