/**
 * Every WebSocket message, both directions. Clients send `{"action": ...}`
 * (API Gateway routes on it: `$request.body.action`); the server sends
 * `{"type": ...}`.
 */
import * as z from 'zod/mini';
import { errorCodes } from '../errors.ts';
import { maxChatLength } from '../limits.ts';
import { isAcceptableText } from '../text.ts';
import { named, timestamp } from './registry.ts';
import { screenMessageSchema, screenSignalSchema } from './screen.ts';
import { closeReasonSchema, customerSessionStateSchema, sessionViewSchema, systemInfoSchema } from './session.ts';

const sessionId = z.string().check(z.regex(/^[0-9a-f-]{36}$/, 'expected a session id'));

const chatText = z.string().check(
  z.trim(),
  z.minLength(1, 'empty message'),
  z.maxLength(maxChatLength, `at most ${maxChatLength} characters`),
  z.refine((text) => isAcceptableText(text, { multiline: true }), 'no control characters or broken Unicode'),
);

/** One schema per client action, named as the AsyncAPI document names its messages. */
export const clientMessages = {
  hello: named(
    'HelloMessage',
    'The support app introduces itself with what it knows of the computer',
    z.object({ action: z.literal('hello'), systemInfo: systemInfoSchema }),
  ),
  chat: named(
    'ChatRequest',
    'A chat line into an active session, from either side',
    z.object({ action: z.literal('chat'), sessionId, text: chatText }),
  ),
  end: named('EndRequest', 'The customer (support app) ends the session', z.object({ action: z.literal('end'), sessionId })),
  ping: named(
    'PingMessage',
    'Keep-alive: API Gateway closes a WebSocket after 10 idle minutes and does not count ping frames',
    z.object({ action: z.literal('ping') }),
  ),
  follow: named(
    'FollowMessage',
    "The PIN page asks for its session's state now (a push cannot reach a connection before $connect returns)",
    z.object({ action: z.literal('follow') }),
  ),
  join: named('JoinMessage', 'The PIN page: "Continue in the browser"', z.object({ action: z.literal('join') })),
  screen: named(
    'ScreenRequest',
    'A screen-view signal for the other side of the session',
    z.object({ action: z.literal('screen'), sessionId, signal: screenSignalSchema }),
  ),
} as const;

/** Client messages, one variant per WebSocket route (route selection: $request.body.action). */
export const clientMessageSchema = z.discriminatedUnion('action', [
  clientMessages.hello,
  clientMessages.chat,
  clientMessages.end,
  clientMessages.ping,
  clientMessages.follow,
  clientMessages.join,
  clientMessages.screen,
]);

export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type ClientAction = ClientMessage['action'];

const displayName = z.object({ displayName: z.string() });

/** One schema per server message type, named as the AsyncAPI document names its messages. */
export const serverMessages = {
  'session.updated': named(
    'SessionUpdated',
    "To the technician's connections: one of their sessions changed",
    z.object({ type: z.literal('session.updated'), session: sessionViewSchema }),
  ),
  'session.started': named(
    'SessionStarted',
    "To the customer's side: the technician started the session",
    z.object({ type: z.literal('session.started'), sessionId: z.string(), technician: displayName }),
  ),
  'session.closed': named(
    'SessionClosed',
    "To the customer's side: the session ended, and why",
    z.object({ type: z.literal('session.closed'), sessionId: z.string(), reason: closeReasonSchema }),
  ),
  'session.state': named(
    'SessionState',
    "To the customer's side: the session's state, on connect, hello, follow and join",
    z.object({
      type: z.literal('session.state'),
      session: customerSessionStateSchema,
      /** Single-use ticket for the applet's next reconnect; the one it connected with is spent. */
      resumeTicket: z.optional(z.string()),
    }),
  ),
  chat: named(
    'ChatMessage',
    'A chat line, delivered to the other side of the session',
    z.object({
      type: z.literal('chat'),
      sessionId: z.string(),
      from: z.enum(['technician', 'customer']),
      text: z.string(),
      at: timestamp(),
    }),
  ),
  screen: screenMessageSchema,
  error: named(
    'ErrorMessage',
    'The answer to a message the service refused; nothing was written',
    z.object({ type: z.literal('error'), code: z.enum([...errorCodes]), message: z.string() }),
  ),
} as const;

export const serverMessageSchema = z.discriminatedUnion('type', [
  serverMessages['session.updated'],
  serverMessages['session.started'],
  serverMessages['session.closed'],
  serverMessages['session.state'],
  serverMessages.chat,
  serverMessages.screen,
  serverMessages.error,
]);

/** Messages the server pushes over the WebSocket. */
export type ServerMessage = z.infer<typeof serverMessageSchema>;
