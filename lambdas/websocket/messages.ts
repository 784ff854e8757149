// zod/mini: the same checks as classic zod at a fraction of the bundle and cold-start cost (docs/performance.md, P3).
import * as z from 'zod/mini';
import { isAcceptableText } from '#domain/text';
import { screenSignalSchema } from './screen-signal.ts';

const wellFormed = 'no control characters or broken Unicode';
const shortText = (max: number) => z.string().check(z.maxLength(max, `at most ${max} characters`), z.refine((text) => isAcceptableText(text), wellFormed));
const boundedNumber = (max: number, integer = true) =>
  z.number().check(...(integer ? [z.int()] : []), z.minimum(0, 'must not be negative'), z.maximum(max, `at most ${max}`));

/** What the applet may report; bounded so a hostile client cannot bloat the session item. Unknown keys are dropped. */
export const systemInfoSchema = z.partial(
  z.object({
    os: shortText(100),
    osVersion: shortText(200),
    arch: shortText(40),
    hostname: shortText(255),
    cpus: boundedNumber(4096),
    cpuModel: shortText(200),
    memoryBytes: boundedNumber(2 ** 53 - 1),
    uptimeSeconds: boundedNumber(1e10, false),
    locale: shortText(50),
    timeZone: shortText(100),
    appletVersion: shortText(40),
    nodeVersion: shortText(40),
  }),
);

const sessionId = z.string().check(z.regex(/^[0-9a-f-]{36}$/, 'expected a session id'));

const chatText = z
  .string()
  .check(
    z.trim(),
    z.minLength(1, 'empty message'),
    z.maxLength(4000, 'at most 4000 characters'),
    z.refine((text) => isAcceptableText(text, { multiline: true }), wellFormed),
  );

/** Client messages, one variant per WebSocket route (route selection: $request.body.action). */
export const clientMessageSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('hello'), systemInfo: systemInfoSchema }),
  z.object({ action: z.literal('chat'), sessionId, text: chatText }),
  z.object({ action: z.literal('end'), sessionId }),
  z.object({ action: z.literal('ping') }),
  // The PIN page: learn the session's state now (a push cannot reach a connection before $connect returns).
  z.object({ action: z.literal('follow') }),
  // The PIN page: "Continue in the browser".
  z.object({ action: z.literal('join') }),
  z.object({ action: z.literal('screen'), sessionId, signal: screenSignalSchema }),
]);

export type ClientMessage = z.infer<typeof clientMessageSchema>;
