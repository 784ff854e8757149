import { z } from 'zod';
import { isAcceptableText } from '#domain/text';

const shortText = (max: number) => z.string().max(max).refine((text) => isAcceptableText(text), 'no control characters or broken Unicode');

/** What the applet may report; bounded so a hostile client cannot bloat the session item. */
export const systemInfoSchema = z
  .object({
    os: shortText(100),
    osVersion: shortText(200),
    arch: shortText(40),
    hostname: shortText(255),
    cpus: z.number().int().min(0).max(4096),
    cpuModel: shortText(200),
    memoryBytes: z.number().int().min(0).max(2 ** 53 - 1),
    uptimeSeconds: z.number().min(0).max(1e10),
    locale: shortText(50),
    timeZone: shortText(100),
    appletVersion: shortText(40),
    nodeVersion: shortText(40),
  })
  .partial()
  .strip();

const sessionId = z.string().regex(/^[0-9a-f-]{36}$/, 'expected a session id');

/** Client messages, one variant per WebSocket route (route selection: $request.body.action). */
export const clientMessageSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('hello'), systemInfo: systemInfoSchema }),
  z.object({ action: z.literal('chat'), sessionId, text: z
      .string()
      .trim()
      .min(1, 'empty message')
      .max(4000, 'at most 4000 characters')
      .refine((text) => isAcceptableText(text, { multiline: true }), 'no control characters or broken Unicode'),
  }),
  z.object({ action: z.literal('end'), sessionId }),
  z.object({ action: z.literal('ping') }),
]);

export type ClientMessage = z.infer<typeof clientMessageSchema>;
