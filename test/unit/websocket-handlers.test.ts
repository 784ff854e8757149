import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyWebsocketEventV2, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { beforeEach, describe, expect, it } from '@jest/globals';
import './support/handler-environment.ts';

import { handler as authorizer } from '#websocket/authorizer';
import { handler as chat } from '#websocket/chat';
import { handler as fallback } from '#websocket/default';
import { handler as hello } from '#websocket/hello';
import { handler as connect } from '#websocket/connect';
import { handler as ping } from '#websocket/ping';

const dynamo = mockClient(DynamoDBDocumentClient);
const management = mockClient(ApiGatewayManagementApiClient);

function message(body: string, connectionId = 'sender-1'): APIGatewayProxyWebsocketEventV2 {
  return {
    body,
    isBase64Encoded: false,
    requestContext: {
      connectionId,
      routeKey: 'chat',
      eventType: 'MESSAGE',
      messageId: 'm',
      extendedRequestId: 'e',
      requestTime: '',
      messageDirection: 'IN',
      stage: 'prod',
      connectedAt: 0,
      requestTimeEpoch: 0,
      requestId: 'r',
      domainName: 'localhost',
      apiId: 'unit',
    },
  };
}

const sentTo = (connectionId: string) =>
  management
    .commandCalls(PostToConnectionCommand)
    .filter((call) => call.args[0].input.ConnectionId === connectionId)
    .map(
      (call) =>
        JSON.parse(new TextDecoder().decode(call.args[0].input.Data as Uint8Array)) as { type: string; message?: string } & Record<
          string,
          unknown
        >,
    );

beforeEach(() => {
  dynamo.reset();
  management.reset();
  management.on(PostToConnectionCommand).resolves({});
  // Message budgets (per connection, per session) answer with the count taken.
  dynamo.on(UpdateCommand).resolves({ Attributes: { count: 1 } });
});

describe('$default and malformed messages', () => {
  it.each([
    ['not JSON', 'hello?', 'not valid JSON'],
    ['no action', '{"text":"hi"}', 'action'],
    ['an unknown action', '{"action":"dance"}', 'action'],
  ])('tells the sender about %s and keeps the connection', async (_case, body, mentions) => {
    const result = await fallback(message(body));
    expect(result).toEqual({ statusCode: 200 });
    const [reply] = sentTo('sender-1');
    expect(reply).toMatchObject({ type: 'error', code: 'validation_failed' });
    expect(reply?.message).toContain(mentions);
  });

  it('rejects a chat message with a wrong session id shape before reading anything', async () => {
    await chat(message('{"action":"chat","sessionId":"SESSION#x","text":"hi"}'));
    expect(sentTo('sender-1')[0]).toMatchObject({ type: 'error', code: 'validation_failed' });
    expect(dynamo).not.toHaveReceivedCommand(GetCommand);
  });

  it('tells an unregistered connection to reconnect', async () => {
    dynamo.on(GetCommand).resolves({});
    await hello(message('{"action":"hello","systemInfo":{"os":"Linux"}}'));
    expect(sentTo('sender-1')[0]).toMatchObject({ type: 'error', code: 'forbidden' });
  });

  it('refuses hello from a technician connection', async () => {
    dynamo.on(GetCommand).resolves({ Item: { connectionId: 'sender-1', role: 'technician', technicianId: 't' } });
    await hello(message('{"action":"hello","systemInfo":{}}'));
    expect(sentTo('sender-1')[0]).toMatchObject({ type: 'error', code: 'forbidden' });
  });
});

describe('stale connections', () => {
  it('deletes exactly the connection that answered 410 Gone, not the sender', async () => {
    const sessionId = '0b8f7a52-3c43-4f5e-9d4e-3d2a1c0f9e11';
    dynamo
      .on(GetCommand, { Key: { pk: 'CONN#applet-1', sk: 'CONN' } })
      .resolves({ Item: { connectionId: 'applet-1', role: 'applet', sessionId } });
    dynamo.on(GetCommand, { Key: { pk: `SESSION#${sessionId}`, sk: 'SESSION' } }).resolves({
      Item: {
        id: sessionId,
        status: 'active',
        technicianId: 'alice-sub',
        technicianDisplayName: 'Alice',
        customerName: 'Erika',
        appletConnectionId: 'applet-1',
      },
    });
    dynamo.on(QueryCommand).resolves({ Items: [{ connectionId: 'stale-console' }, { connectionId: 'live-console' }] });
    management
      .on(PostToConnectionCommand, { ConnectionId: 'stale-console' })
      .rejects(new GoneException({ message: 'gone', $metadata: {} }));
    dynamo.on(DeleteCommand).resolves({});

    await chat(message(JSON.stringify({ action: 'chat', sessionId, text: 'Hallo' }), 'applet-1'));

    expect(dynamo).toHaveReceivedCommandTimes(DeleteCommand, 1);
    expect(dynamo).toHaveReceivedCommandWith(DeleteCommand, { Key: { pk: 'CONN#stale-console', sk: 'CONN' } });
    expect(sentTo('live-console')[0]).toMatchObject({ type: 'chat', from: 'customer', text: 'Hallo' });
  });
});

describe('message budgets', () => {
  it('answers too_many_messages and writes nothing once a connection spent its window', async () => {
    const sessionId = '0b8f7a52-3c43-4f5e-9d4e-3d2a1c0f9e11';
    dynamo.on(GetCommand).resolves({ Item: { connectionId: 'flooder', role: 'applet', sessionId } });
    dynamo
      .on(UpdateCommand, { Key: { pk: 'RATE#ws-connection#flooder', sk: `WINDOW#${Math.floor(Date.now() / 1000 / 60)}` } })
      .rejects(new ConditionalCheckFailedException({ message: 'spent', $metadata: {} }));
    await chat(message(JSON.stringify({ action: 'chat', sessionId, text: 'spam' }), 'flooder'));
    await hello(message('{"action":"hello","systemInfo":{"os":"Linux"}}', 'flooder'));
    expect(sentTo('flooder')).toEqual([
      expect.objectContaining({ type: 'error', code: 'too_many_messages', message: expect.stringContaining('at most 60 per 60 seconds') }),
      expect.objectContaining({ type: 'error', code: 'too_many_messages' }),
    ]);
    expect(dynamo).not.toHaveReceivedCommand(PutCommand);
    expect(dynamo).not.toHaveReceivedCommand(TransactWriteCommand);
    expect(dynamo).not.toHaveReceivedCommand(GetCommand);
  });
});

describe('$connect', () => {
  function authorizerEvent(query: Record<string, string>): APIGatewayRequestAuthorizerEvent {
    return {
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:eu-central-1:0:api/prod/$connect',
      queryStringParameters: query,
    } as unknown as APIGatewayRequestAuthorizerEvent;
  }

  const denied = { policyDocument: { Statement: [{ Effect: 'Deny', Action: 'execute-api:Invoke' }] } };

  it('refuses a connection with neither token nor ticket by answering a deny, not by failing', async () => {
    const answer = await authorizer(authorizerEvent({}));
    expect(answer).toMatchObject(denied);
    expect(answer.context).toBeUndefined();
  });

  it('refuses a browser page from another origin before looking at its credentials', async () => {
    const event = { ...authorizerEvent({ ticket: 'a'.repeat(32) }), headers: { Origin: 'https://evil.example' } };
    await expect(authorizer(event)).resolves.toMatchObject(denied);
    expect(dynamo).not.toHaveReceivedCommand(GetCommand);
  });

  it('refuses an unknown or expired ticket', async () => {
    dynamo.on(GetCommand).resolves({});
    await expect(authorizer(authorizerEvent({ ticket: 'a'.repeat(32) }))).resolves.toMatchObject(denied);
    dynamo.on(GetCommand).resolves({ Item: { sessionId: 's', ttl: 1 } });
    await expect(authorizer(authorizerEvent({ ticket: 'a'.repeat(32) }))).resolves.toMatchObject(denied);
  });

  it('denies a malformed token by answering, and still fails on a real fault (the table unreachable)', async () => {
    await expect(authorizer(authorizerEvent({ token: 'not-a-jwt' }))).resolves.toMatchObject(denied);
    dynamo.on(GetCommand).rejects(Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error' }));
    await expect(authorizer(authorizerEvent({ ticket: 'a'.repeat(32) }))).rejects.toThrow('ECONNREFUSED');
  });

  it('lets a live ticket in, bound to its one session', async () => {
    dynamo.on(GetCommand).resolves({ Item: { sessionId: 'the-session', ttl: Math.floor(Date.now() / 1000) + 60 } });
    const policy = await authorizer(authorizerEvent({ ticket: 'a'.repeat(32) }));
    expect(policy.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow' });
    expect(policy.context).toEqual({ role: 'applet', sessionId: 'the-session', ticketHash: expect.any(String) });
    expect(JSON.stringify(policy)).not.toContain('a'.repeat(32));
  });

  it('rejects $connect without an authorizer context', async () => {
    const event = { ...message(''), requestContext: { ...message('').requestContext, routeKey: '$connect', eventType: 'CONNECT' } };
    expect(await connect(event as never)).toEqual({ statusCode: 401 });
  });

  it('rejects an applet whose session has ended with 403', async () => {
    dynamo
      .on(GetCommand)
      .resolves({ Item: { id: 's', status: 'closed', technicianId: 't', technicianDisplayName: 'A', customerName: 'E' } });
    const base = message('');
    const event = {
      ...base,
      requestContext: {
        ...base.requestContext,
        routeKey: '$connect',
        eventType: 'CONNECT',
        authorizer: { role: 'applet', sessionId: 's', ticketHash: 'h' },
      },
    };
    expect(await connect(event as never)).toEqual({ statusCode: 403 });
  });
});

describe('delivery', () => {
  it('tries a failed post once more before giving up, so a passing fault does not lose a chat line', async () => {
    const sessionId = '0b8f7a52-3c43-4f5e-9d4e-3d2a1c0f9e11';
    dynamo
      .on(GetCommand, { Key: { pk: 'CONN#applet-9', sk: 'CONN' } })
      .resolves({ Item: { connectionId: 'applet-9', role: 'applet', sessionId } });
    dynamo.on(GetCommand, { Key: { pk: `SESSION#${sessionId}`, sk: 'SESSION' } }).resolves({
      Item: {
        id: sessionId,
        status: 'active',
        technicianId: 'alice-sub',
        technicianDisplayName: 'Alice',
        customerName: 'Erika',
        appletConnectionId: 'applet-9',
      },
    });
    dynamo.on(QueryCommand).resolves({ Items: [{ connectionId: 'console-1' }] });
    dynamo.on(PutCommand).resolves({});
    management
      .on(PostToConnectionCommand, { ConnectionId: 'console-1' })
      .rejectsOnce(Object.assign(new Error('socket hang up'), { name: 'InternalServerError' }))
      .resolves({});

    await chat(message(JSON.stringify({ action: 'chat', sessionId, text: 'Noch da?' }), 'applet-9'));

    expect(management.commandCalls(PostToConnectionCommand, { ConnectionId: 'console-1' })).toHaveLength(2);
    expect(dynamo).not.toHaveReceivedCommand(DeleteCommand);
  });
});

describe("a technician's expired token", () => {
  const sessionId = '0b8f7a52-3c43-4f5e-9d4e-3d2a1c0f9e11';
  const nowEpoch = () => Math.floor(Date.now() / 1000);
  const technicianMessage = (body: string, connectionId: string, authorizer: Record<string, string>) => {
    const base = message(body, connectionId);
    return { ...base, requestContext: { ...base.requestContext, authorizer } } as APIGatewayProxyWebsocketEventV2;
  };
  const closed = () => management.commandCalls(DeleteConnectionCommand).map((call) => call.args[0].input.ConnectionId);

  beforeEach(() => {
    management.on(DeleteConnectionCommand).resolves({});
    dynamo.on(DeleteCommand).resolves({});
  });

  it('is stored on the connection record at $connect', async () => {
    dynamo.on(PutCommand).resolves({});
    const base = message('', 'console-new');
    const authorizer = {
      role: 'technician',
      technicianId: 'alice-sub',
      username: 'alice',
      displayName: 'Alice',
      groups: '[]',
      tokenExpiresAt: '1900000000',
    };
    const event = { ...base, requestContext: { ...base.requestContext, routeKey: '$connect', eventType: 'CONNECT', authorizer } };

    expect(await connect(event as never)).toEqual({ statusCode: 200 });
    expect(dynamo).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ pk: 'CONN#console-new', tokenExpiresAt: 1900000000 }),
    });
  });

  it('gets no more pushes: the fan-out closes and forgets that console and posts to the live one', async () => {
    dynamo
      .on(GetCommand, { Key: { pk: 'CONN#applet-1', sk: 'CONN' } })
      .resolves({ Item: { connectionId: 'applet-1', role: 'applet', sessionId } });
    dynamo.on(GetCommand, { Key: { pk: `SESSION#${sessionId}`, sk: 'SESSION' } }).resolves({
      Item: {
        id: sessionId,
        status: 'active',
        technicianId: 'alice-sub',
        technicianDisplayName: 'Alice',
        customerName: 'Erika',
        appletConnectionId: 'applet-1',
      },
    });
    dynamo.on(PutCommand).resolves({});
    dynamo.on(QueryCommand).resolves({
      Items: [
        { connectionId: 'expired-console', tokenExpiresAt: nowEpoch() - 1 },
        { connectionId: 'live-console', tokenExpiresAt: nowEpoch() + 3600 },
      ],
    });

    await chat(message(JSON.stringify({ action: 'chat', sessionId, text: 'Hallo' }), 'applet-1'));

    expect(closed()).toEqual(['expired-console']);
    expect(dynamo).toHaveReceivedCommandWith(DeleteCommand, { Key: { pk: 'CONN#expired-console', sk: 'CONN' } });
    expect(sentTo('expired-console')).toEqual([]);
    expect(sentTo('live-console')[0]).toMatchObject({ type: 'chat', from: 'customer', text: 'Hallo' });
  });

  it.each([
    ['chat', chat, JSON.stringify({ action: 'chat', sessionId, text: 'Hallo' })],
    ['ping', ping, '{"action":"ping"}'],
    ['$default', fallback, '{"action":"dance"}'],
  ] as const)('refuses a %s message with token_expired and closes the connection, reading nothing', async (_route, route, body) => {
    const authorizer = { role: 'technician', technicianId: 'alice-sub', tokenExpiresAt: String(nowEpoch() - 1) };

    await route(technicianMessage(body, 'console-1', authorizer));

    expect(sentTo('console-1')).toEqual([{ type: 'error', code: 'token_expired', message: expect.stringContaining('expired') }]);
    expect(closed()).toEqual(['console-1']);
    expect(dynamo).not.toHaveReceivedCommand(GetCommand);
    expect(dynamo).toHaveReceivedCommandWith(DeleteCommand, { Key: { pk: 'CONN#console-1', sk: 'CONN' } });
  });

  it('refuses by the stored record too, when the event carries no expiry', async () => {
    dynamo.on(GetCommand, { Key: { pk: 'CONN#console-2', sk: 'CONN' } }).resolves({
      Item: { connectionId: 'console-2', role: 'technician', technicianId: 'alice-sub', tokenExpiresAt: nowEpoch() - 1 },
    });

    await chat(message(JSON.stringify({ action: 'chat', sessionId, text: 'Hallo' }), 'console-2'));

    expect(sentTo('console-2')).toEqual([expect.objectContaining({ type: 'error', code: 'token_expired' })]);
    expect(closed()).toEqual(['console-2']);
  });

  it('lets a technician whose token is still valid ping without an answer', async () => {
    await ping(
      technicianMessage('{"action":"ping"}', 'console-3', {
        role: 'technician',
        technicianId: 'alice-sub',
        tokenExpiresAt: String(nowEpoch() + 3600),
      }),
    );

    expect(management).not.toHaveReceivedAnyCommand();
  });
});
