import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HandlerDeclaration } from '#routes';
import { tableActions } from '../lambdas/handler-access.ts';
import { isLoopback, readBody, sendJson } from './http-io.ts';

/**
 * Locally, what IAM does in AWS: every handler signs its AWS calls with its
 * own access key (its "role"), and the table and the @connections endpoint
 * are reached only through this guard, which allows exactly what the stack's
 * policy for that role allows (lambdas/handler-access.ts) and answers
 * everything else as AWS does: AccessDeniedException from DynamoDB, 403 from
 * @connections. The signature itself is not checked (nothing here is secret);
 * the access key only says who is calling.
 */
export interface LocalRole {
  readonly accessKeyId: string;
  readonly declaration: HandlerDeclaration;
}

/** Account id in the ARNs of local error messages (DynamoDB Local's own). */
const localAccount = '000000000000';

/** DynamoDB Local 2.x accepts only letters and digits in an access key. */
export function accessKeyIdFor(handlerName: string): string {
  return `LOCALROLE${Buffer.from(handlerName, 'utf8').toString('hex').toUpperCase()}`;
}

/** The access key of a SigV4-signed request: `Credential=<key>/<date>/<region>/<service>/aws4_request`. */
export function signingAccessKeyId(request: IncomingMessage): string | undefined {
  const authorization = request.headers.authorization ?? '';
  return /Credential=([^/,\s]+)\//.exec(authorization)?.[1];
}

export class IamGuard {
  readonly #roles = new Map<string, LocalRole>();

  constructor(
    declarations: readonly HandlerDeclaration[],
    readonly tableName: string,
    readonly region: string,
  ) {
    for (const declaration of declarations) {
      const accessKeyId = accessKeyIdFor(declaration.name);
      this.#roles.set(accessKeyId, { accessKeyId, declaration });
    }
  }

  roleOf(request: IncomingMessage): LocalRole | undefined {
    const key = signingAccessKeyId(request);
    return key === undefined ? undefined : this.#roles.get(key);
  }

  /**
   * Whether the caller may use @connections (ManageConnections): a handler only if it posts to
   * connections, an unknown signer never. An unsigned loopback call is the operator's own tooling
   * (tests dropping a connection as API Gateway does) and passes, as before the guard existed.
   */
  mayManageConnections(request: IncomingMessage): boolean {
    if (signingAccessKeyId(request) === undefined) return true;
    return this.roleOf(request)?.declaration.needs.postsToConnections === true;
  }

  /** The first action and resource the role is not allowed, or undefined when the whole request is allowed. */
  tableDenial(role: LocalRole, operation: string, body: DynamoDbRequestBody): { action: string; resource: string } | undefined {
    const access = role.declaration.needs.table;
    const allowed: readonly string[] = access === 'none' ? [] : tableActions[access];
    for (const { action, tableName, indexName } of requiredPermissions(operation, body)) {
      const resource = `arn:aws:dynamodb:${this.region}:${localAccount}:table/${tableName}${indexName ? `/index/${indexName}` : ''}`;
      if (!allowed.includes(action) || tableName !== this.tableName) return { action, resource };
    }
    return undefined;
  }

  accessDeniedMessage(role: LocalRole, denial: { action: string; resource: string }): string {
    const name = role.declaration.name;
    return (
      `User: arn:aws:sts::${localAccount}:assumed-role/${name}/${name} is not authorized to perform: ${denial.action} ` +
      `on resource: ${denial.resource} because no identity-based policy allows the ${denial.action} action`
    );
  }
}

interface DynamoDbRequestBody {
  readonly TableName?: string;
  readonly IndexName?: string;
  readonly RequestItems?: Record<string, unknown>;
  readonly TransactItems?: readonly Record<string, { readonly TableName?: string } | undefined>[];
}

interface Permission {
  readonly action: string;
  readonly tableName: string;
  readonly indexName?: string;
}

/** The IAM actions a DynamoDB API call is authorized by, per table (transactions: per contained item). */
function requiredPermissions(operation: string, body: DynamoDbRequestBody): Permission[] {
  const transactActions: Record<string, string> = {
    Put: 'dynamodb:PutItem',
    Update: 'dynamodb:UpdateItem',
    Delete: 'dynamodb:DeleteItem',
    ConditionCheck: 'dynamodb:ConditionCheckItem',
    Get: 'dynamodb:GetItem',
  };
  if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
    return (body.TransactItems ?? []).flatMap((item) =>
      Object.entries(item).map(([kind, request]) => ({
        action: transactActions[kind] ?? `dynamodb:${kind}`,
        tableName: request?.TableName ?? '',
      })),
    );
  }
  if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
    return Object.keys(body.RequestItems ?? {}).map((tableName) => ({ action: `dynamodb:${operation}`, tableName }));
  }
  return [{ action: `dynamodb:${operation}`, tableName: body.TableName ?? '', indexName: body.IndexName }];
}

function sendDynamoDbError(response: http.ServerResponse, type: string, message: string): void {
  sendJson(
    response,
    400,
    { __type: `com.amazon.coral.service#${type}`, Message: message },
    { 'content-type': 'application/x-amz-json-1.0' },
  );
}

export interface DynamoDbGuard {
  /** What a handler's DYNAMODB_ENDPOINT is. */
  readonly endpoint: string;
  close(): Promise<void>;
}

/**
 * The handlers' DynamoDB endpoint: checks each call against the caller's role,
 * then forwards it to DynamoDB Local under the runtime's own credentials.
 * When DynamoDB Local is down the handler's connection is reset, as a
 * connection to an unreachable DynamoDB would be.
 */
export async function startDynamoDbGuard(options: {
  guard: IamGuard;
  upstream: string;
  upstreamAccessKeyId: string;
}): Promise<DynamoDbGuard> {
  const upstream = new URL(options.upstream);
  const server = http.createServer((request, response) => {
    void (async () => {
      if (!isLoopback(request))
        return sendDynamoDbError(response, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
      const body = await readBody(request, 16 * 1024 * 1024);
      const role = options.guard.roleOf(request);
      if (!role)
        return sendDynamoDbError(response, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
      const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      let parsed: DynamoDbRequestBody = {};
      try {
        parsed = JSON.parse(body.toString('utf8') || '{}') as DynamoDbRequestBody;
      } catch {
        return sendDynamoDbError(response, 'SerializationException', 'Start of structure or map found where not expected');
      }
      const denial = options.guard.tableDenial(role, operation, parsed);
      if (denial) return sendDynamoDbError(response, 'AccessDeniedException', options.guard.accessDeniedMessage(role, denial));

      const headers = { ...request.headers, host: upstream.host };
      if (headers.authorization)
        headers.authorization = headers.authorization.replace(
          `Credential=${role.accessKeyId}/`,
          `Credential=${options.upstreamAccessKeyId}/`,
        );
      const forwarded = http.request(
        { host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers },
        (answer) => {
          response.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(response);
        },
      );
      forwarded.on('error', () => request.socket.destroy());
      forwarded.end(body);
    })().catch(() => request.socket.destroy());
  });
  // The SDK keeps connections alive; they must not hold close() up.
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
