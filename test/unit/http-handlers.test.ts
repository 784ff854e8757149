import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { beforeEach, describe, expect, it } from '@jest/globals';
import './support/handler-environment.ts';

import { handler as createSession } from '#http/create-session';
import { handler as generatePin } from '#http/generate-pin';
import { handler as redeemPin } from '#http/redeem-pin';
import { handler as startSession } from '#http/start-session';
import { handler as closeSession } from '#http/close-session';
import { handler as getSession } from '#http/get-session';
import { handler as customerProgress } from '#http/customer-progress';
import { handler as openApi } from '#http/openapi';

const dynamo = mockClient(DynamoDBDocumentClient);
const management = mockClient(ApiGatewayManagementApiClient);

const aliceClaims = {
  sub: 'alice-sub',
  'cognito:username': 'alice',
  'cognito:groups': '[Support]',
  name: 'Alice Adler',
};
const sessionId = '0b8f7a52-3c43-4f5e-9d4e-3d2a1c0f9e11';

function event(
  options: { body?: string; claims?: Record<string, string>; id?: string; headers?: Record<string, string>; sourceIp?: string } = {},
): APIGatewayProxyEventV2WithJWTAuthorizer {
  return {
    version: '2.0',
    routeKey: 'POST /api/x',
    rawPath: '/api/x',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...(options.headers ?? {}) },
    body: options.body,
    isBase64Encoded: false,
    pathParameters: options.id ? { id: options.id } : undefined,
    requestContext: {
      accountId: '000000000000',
      apiId: 'unit',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method: 'POST', path: '/api/x', protocol: 'HTTP/1.1', sourceIp: options.sourceIp ?? '203.0.113.9', userAgent: 'unit' },
      requestId: 'r',
      routeKey: 'POST /api/x',
      stage: '$default',
      time: '',
      timeEpoch: 0,
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: options.claims ?? {}, scopes: [] } },
    },
  };
}

const supportGroup = { name: 'Support', permissions: { privateSessions: true, pinCode: true } };

function grantGroups(...groups: { name: string; permissions: Record<string, boolean> }[]) {
  dynamo.on(BatchGetCommand).resolves({ Responses: { 'unit-table': groups } });
}

function storedSession(overrides: Record<string, unknown> = {}) {
  return {
    pk: `SESSION#${sessionId}`,
    sk: 'SESSION',
    id: sessionId,
    customerName: 'Erika',
    status: 'created',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    statusChangedAt: '2026-01-01T00:00:00.000Z',
    technicianId: 'alice-sub',
    technicianUsername: 'alice',
    technicianDisplayName: 'Alice Adler',
    ...overrides,
  };
}

interface ResponseBody {
  readonly error: { readonly code: string; readonly message: string };
  readonly session: unknown;
  readonly pin: string;
}
const bodyOf = (result: APIGatewayProxyStructuredResultV2) => JSON.parse(result.body ?? '{}') as ResponseBody;

function cancelled(...codes: string[]) {
  return new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });
}

beforeEach(() => {
  dynamo.reset();
  management.reset();
  dynamo.on(QueryCommand).resolves({ Items: [] });
});

describe('create-session', () => {
  it('answers 401 when the authorizer passed no technician', async () => {
    const result = await createSession(event({ body: '{"customerName":"Erika"}' }));
    expect(result.statusCode).toBe(401);
    expect(bodyOf(result).error.code).toBe('unauthorized');
    expect(dynamo).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it.each([
    ['not JSON', '{"customerName":', 'not valid JSON'],
    ['a missing name', '{}', 'customerName'],
    ['a blank name', '{"customerName":"   "}', 'customerName'],
    ['a name with control characters', '{"customerName":"a\\u0000b"}', 'control'],
    ['a wrong type', '{"customerName":42}', 'customerName'],
  ])('answers 400 validation_failed for %s', async (_case, body, mentions) => {
    const result = await createSession(event({ body, claims: aliceClaims }));
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result).error.code).toBe('validation_failed');
    expect(bodyOf(result).error.message).toContain(mentions);
    expect(dynamo).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('answers 413 for an oversized body', async () => {
    const result = await createSession(event({ body: JSON.stringify({ customerName: 'x'.repeat(20_000) }), claims: aliceClaims }));
    expect(result.statusCode).toBe(413);
    expect(bodyOf(result).error.code).toBe('payload_too_large');
  });

  it('answers 403 naming privateSessions for a group without it', async () => {
    grantGroups({ name: 'Observers', permissions: { privateSessions: false, pinCode: false } });
    const result = await createSession(
      event({ body: '{"customerName":"Erika"}', claims: { ...aliceClaims, 'cognito:groups': '[Observers]' } }),
    );
    expect(result.statusCode).toBe(403);
    expect(bodyOf(result).error.message).toContain('privateSessions');
    expect(dynamo).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('writes the session with a create-only condition and its first log entry in one transaction', async () => {
    grantGroups(supportGroup);
    dynamo.on(TransactWriteCommand).resolves({});
    const result = await createSession(event({ body: '{"customerName":"  Erika  "}', claims: aliceClaims }));
    expect(result.statusCode).toBe(201);
    expect(bodyOf(result).session).toMatchObject({ customerName: 'Erika', status: 'created', technician: { username: 'alice' } });
    const items = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items[0]?.Put?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(items[1]?.Put?.Item).toMatchObject({ type: 'created', kind: 'log' });
  });

  it('answers 503 with Retry-After when DynamoDB throttles', async () => {
    grantGroups(supportGroup);
    dynamo.on(TransactWriteCommand).rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    const result = await createSession(event({ body: '{"customerName":"Erika"}', claims: aliceClaims }));
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['retry-after']).toBe('2');
    expect(bodyOf(result).error.code).toBe('unavailable');
  });

  it('answers a generic 500 without a stack for an unexpected failure', async () => {
    grantGroups(supportGroup);
    dynamo.on(TransactWriteCommand).rejects(new TypeError('secret internal detail at line 42'));
    const result = await createSession(event({ body: '{"customerName":"Erika"}', claims: aliceClaims }));
    expect(result.statusCode).toBe(500);
    expect(bodyOf(result)).toEqual({ error: { code: 'internal', message: expect.any(String) } });
    expect(result.body).not.toContain('secret internal detail');
  });
});

describe('generate-pin', () => {
  it('answers 400 for a malformed session id without touching the table', async () => {
    const result = await generatePin(event({ claims: aliceClaims, id: "x' OR 1=1" }));
    expect(result.statusCode).toBe(400);
    expect(dynamo).not.toHaveReceivedCommand(GetCommand);
  });

  it('answers 404 for a missing session', async () => {
    dynamo.on(GetCommand).resolves({});
    const result = await generatePin(event({ claims: aliceClaims, id: sessionId }));
    expect(result.statusCode).toBe(404);
    expect(bodyOf(result).error.code).toBe('not_found');
  });

  it("answers 404 for another technician's session and logs the attempt there", async () => {
    dynamo.on(GetCommand).resolves({ Item: storedSession({ technicianId: 'someone-else' }) });
    dynamo.on(TransactWriteCommand).resolves({});
    const result = await generatePin(event({ claims: aliceClaims, id: sessionId }));
    expect(result.statusCode).toBe(404);
    const written = dynamo.commandCalls(TransactWriteCommand).flatMap((call) => call.args[0].input.TransactItems ?? []);
    expect(written.map((item) => item.Put?.Item).filter(Boolean)).toEqual([expect.objectContaining({ type: 'denied', sessionId })]);
  });

  it('answers 403 naming pinCode for a group without it', async () => {
    dynamo.on(GetCommand).resolves({ Item: storedSession() });
    dynamo.on(PutCommand).resolves({});
    grantGroups({ name: 'Support', permissions: { privateSessions: true, pinCode: false } });
    const result = await generatePin(event({ claims: aliceClaims, id: sessionId }));
    expect(result.statusCode).toBe(403);
    expect(bodyOf(result).error.message).toContain("'pinCode'");
  });

  it('answers 409 for a session that is already active', async () => {
    dynamo.on(GetCommand).resolves({ Item: storedSession({ status: 'active' }) });
    grantGroups(supportGroup);
    const result = await generatePin(event({ claims: aliceClaims, id: sessionId }));
    expect(result.statusCode).toBe(409);
    expect(bodyOf(result).error.code).toBe('invalid_transition');
  });

  it('draws again on a PIN collision and gives up with 503 pin_space_exhausted after the configured draws', async () => {
    dynamo.on(GetCommand).resolves({ Item: storedSession() });
    grantGroups(supportGroup);
    dynamo.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None', 'None'));
    const result = await generatePin(event({ claims: aliceClaims, id: sessionId }));
    expect(result.statusCode).toBe(503);
    expect(bodyOf(result).error.code).toBe('pin_space_exhausted');
    expect(result.headers?.['retry-after']).toBeDefined();
    expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, 3);
  });

  it('answers 409 when the session changed under it (lost race on the session condition)', async () => {
    dynamo.on(GetCommand).resolves({ Item: storedSession() });
    grantGroups(supportGroup);
    dynamo.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed', 'None'));
    const result = await generatePin(event({ claims: aliceClaims, id: sessionId }));
    expect(result.statusCode).toBe(409);
    expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
  });

  it('returns six digits and never writes them to the table in the clear', async () => {
    dynamo.on(GetCommand).resolves({ Item: storedSession() });
    grantGroups(supportGroup);
    dynamo.on(TransactWriteCommand).resolves({});
    const result = await generatePin(event({ claims: aliceClaims, id: sessionId }));
    expect(result.statusCode).toBe(201);
    const { pin } = bodyOf(result);
    expect(pin).toMatch(/^\d{6}$/);
    const written = JSON.stringify(dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input);
    expect(written).not.toContain(`"${pin}"`);
    expect(written).not.toContain(`PIN code ${pin}`);
  });
});

describe('redeem-pin', () => {
  it.each(['12345', '1234567', 'abcdef', '12 34 5x'])('answers 400 for the malformed PIN %s without counting a failure', async (pin) => {
    const result = await redeemPin(event({ body: JSON.stringify({ pin }) }));
    expect(result.statusCode).toBe(400);
    expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('answers 404 pin_invalid for an unknown PIN, the attempt taken from the client and the global budget', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: { count: 1 } });
    dynamo.on(GetCommand).resolves({});
    const result = await redeemPin(event({ body: '{"pin":"123-456"}' }));
    expect(result.statusCode).toBe(404);
    expect(bodyOf(result).error.code).toBe('pin_invalid');
    expect(dynamo).toHaveReceivedCommandTimes(UpdateCommand, 2);
    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      Key: expect.objectContaining({ pk: 'RATE#redeem-fail#203.0.113.9' }),
      ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
    });
    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, { Key: expect.objectContaining({ pk: 'RATE#redeem-fail#global' }) });
    expect(dynamo).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it.each([
    ['with the origin-verify secret', 'unit-origin-verify-secret', 'RATE#redeem-fail#198.51.100.77'],
    ['with a wrong origin-verify value', 'guessed-origin-verify-value', 'RATE#redeem-fail#203.0.113.9'],
    ['without origin-verify', undefined, 'RATE#redeem-fail#203.0.113.9'],
  ])('counts a client by the CloudFront viewer address only %s', async (_case, originVerify, counterKey) => {
    dynamo.on(UpdateCommand).resolves({ Attributes: { count: 1 } });
    dynamo.on(GetCommand).resolves({});
    const headers: Record<string, string> = {
      'cloudfront-viewer-address': '198.51.100.77:50123',
      ...(originVerify ? { 'x-origin-verify': originVerify } : {}),
    };
    const result = await redeemPin(event({ body: '{"pin":"123456"}', headers }));
    expect(result.statusCode).toBe(404);
    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, { Key: expect.objectContaining({ pk: counterKey }) });
  });

  it('answers 429 with Retry-After once the client budget is spent, even for a live PIN', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: { count: 1 } });
    dynamo.on(GetCommand).resolves({
      Item: {
        sessionId,
        customerName: 'Erika',
        createdAt: '2026-01-01T00:00:00.000Z',
        technicianId: 'alice-sub',
        technicianUsername: 'alice',
        technicianDisplayName: 'Alice',
        pinExpiresAt: '2030-01-01T00:00:00.000Z',
        ttl: Math.floor(Date.now() / 1000) + 300,
      },
    });
    dynamo
      .on(UpdateCommand, { Key: { pk: 'RATE#redeem-fail#203.0.113.99', sk: `WINDOW#${Math.floor(Date.now() / 1000 / 600)}` } })
      .rejects(new ConditionalCheckFailedException({ message: 'spent', $metadata: {} }));
    const spentClient = { body: '{"pin":"123456"}', sourceIp: '203.0.113.99' };
    const result = await redeemPin(event(spentClient));
    expect(result.statusCode).toBe(429);
    const retryAfter = Number(result.headers?.['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
    expect(dynamo).not.toHaveReceivedCommand(TransactWriteCommand);
    // Only a client's allowed attempts take from the global budget.
    expect(dynamo).toHaveReceivedCommandTimes(UpdateCommand, 1);
    // The warm function remembers the spent budget: the next request costs no DynamoDB call at all.
    dynamo.resetHistory();
    const again = await redeemPin(event(spentClient));
    expect(again.statusCode).toBe(429);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('answers pin_invalid when it loses the race for a PIN, and keeps the attempt counted', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: { count: 1 } });
    dynamo.on(GetCommand).resolves({
      Item: {
        sessionId,
        customerName: 'Erika',
        createdAt: '2026-01-01T00:00:00.000Z',
        technicianId: 'alice-sub',
        technicianUsername: 'alice',
        technicianDisplayName: 'Alice',
        pinExpiresAt: '2030-01-01T00:00:00.000Z',
        ttl: Math.floor(Date.now() / 1000) + 300,
      },
    });
    dynamo.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None', 'None', 'None', 'None', 'None', 'None'));
    const result = await redeemPin(event({ body: '{"pin":"123456"}' }));
    expect(result.statusCode).toBe(404);
    expect(bodyOf(result).error.code).toBe('pin_invalid');
    expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
  });

  it('gives a successful redeem its attempt back inside the redeeming transaction', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: { count: 3 } });
    dynamo.on(GetCommand).resolves({
      Item: {
        sessionId,
        customerName: 'Erika',
        createdAt: '2026-01-01T00:00:00.000Z',
        technicianId: 'alice-sub',
        technicianUsername: 'alice',
        technicianDisplayName: 'Alice',
        pinExpiresAt: '2030-01-01T00:00:00.000Z',
        ttl: Math.floor(Date.now() / 1000) + 300,
      },
    });
    dynamo.on(TransactWriteCommand).resolves({});
    const result = await redeemPin(event({ body: '{"pin":"123456"}' }));
    expect(result.statusCode).toBe(200);
    const items = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    const refunds = items.filter((item) => item.Update?.UpdateExpression === 'ADD #count :delta');
    expect(refunds.map((item) => item.Update?.ExpressionAttributeValues?.[':delta'] as unknown)).toEqual([-1, -1]);
    expect(items.find((item) => item.Put?.Item?.type === 'pin_redeemed')?.Put?.Item?.details).toMatchObject({
      failedAttemptsFromClient: 2,
    });
  });
});

describe('start-session and close-session', () => {
  it('answers 409 naming the status when the session is not waiting', async () => {
    dynamo.on(GetCommand).resolves({ Item: storedSession({ status: 'connecting' }) });
    const result = await startSession(event({ claims: aliceClaims, id: sessionId }));
    expect(result.statusCode).toBe(409);
    expect(bodyOf(result).error.message).toContain('connecting');
  });

  it('answers 409 when another start won the race', async () => {
    grantGroups(supportGroup);
    dynamo.on(GetCommand).resolves({ Item: storedSession({ status: 'waiting' }) });
    dynamo.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));
    const result = await startSession(event({ claims: aliceClaims, id: sessionId }));
    expect(result.statusCode).toBe(409);
  });

  it('answers 409 for closing a closed session', async () => {
    dynamo.on(GetCommand).resolves({ Item: storedSession({ status: 'closed' }) });
    const result = await closeSession(event({ claims: aliceClaims, id: sessionId }));
    expect(result.statusCode).toBe(409);
  });

  it('maps a transaction conflict to 409 as well', async () => {
    grantGroups(supportGroup);
    dynamo.on(GetCommand).resolves({ Item: storedSession({ status: 'waiting' }) });
    dynamo.on(TransactWriteCommand).rejects(cancelled('TransactionConflict', 'None'));
    const result = await startSession(event({ claims: aliceClaims, id: sessionId }));
    expect(result.statusCode).toBe(409);
  });
});

describe('reads', () => {
  it('reports a pending session past its PIN validity as expired', async () => {
    dynamo.on(GetCommand).resolves({
      Item: storedSession({ status: 'pending', deadlineAt: '2020-01-01T00:00:00.000Z', pinExpiresAt: '2020-01-01T00:00:00.000Z' }),
    });
    const result = await getSession(event({ claims: aliceClaims, id: sessionId }));
    expect(bodyOf(result).session).toMatchObject({ status: 'expired', closeReason: 'pin_expired' });
  });

  it('answers 401 for a missing or unknown progress token', async () => {
    expect((await customerProgress(event({}))).statusCode).toBe(401);
    dynamo.on(GetCommand).resolves({});
    const result = await customerProgress(event({ headers: { authorization: 'Bearer nope' } }));
    expect(result.statusCode).toBe(401);
  });

  it('serves an OpenAPI 3 document naming every route of the route table', async () => {
    const { httpRoutes } = await import('#routes');
    const document = JSON.parse((await openApi()).body as string) as {
      openapi: string;
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    expect(document.openapi).toMatch(/^3\./);
    for (const route of httpRoutes) expect(document.paths[route.path]?.[route.method.toLowerCase()]?.operationId).toBe(route.name);
  });
});
