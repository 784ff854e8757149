/**
 * Every HTTP body: what the handlers parse and what they answer. The OpenAPI
 * document is generated from these (lambdas/http/openapi-document.ts).
 */
import * as z from 'zod/mini';
import { errorCodes } from '../errors.ts';
import { maxCustomerNameLength, maxPinInputLength, logPage } from '../limits.ts';
import { downloadPlatforms } from '../downloads.ts';
import { sessionStatuses } from '../statuses.ts';
import { isAcceptableText } from '../text.ts';
import { named, timestamp } from './registry.ts';
import { iceConfigurationSchema } from './screen.ts';
import { logEntrySchema, sessionViewSchema, technicianSchema } from './session.ts';

export const errorBodySchema = named(
  'Error',
  'Every refusal: a code to act on and a sentence to show; never a stack trace',
  z.object({ error: z.object({ code: z.enum(errorCodes), message: z.string(), issues: z.optional(z.array(z.string())) }) }),
);

export const createSessionRequestSchema = named(
  'CreateSessionRequest',
  'A new session for a customer ("New session")',
  z.object({
    customerName: z.string().check(
      z.trim(),
      z.minLength(1, 'enter the customer name'),
      z.maxLength(maxCustomerNameLength, `at most ${maxCustomerNameLength} characters`),
      z.refine((name) => isAcceptableText(name), 'no control characters or broken Unicode'),
    ),
    technician: z.optional(
      z.string().check(z.describe('Integration clients only (required for them): the user name of the technician the session is for.')),
    ),
  }),
);

/** Optional header: a client that retries a create sends the same key and gets the same session, never a second one. */
export const idempotencyKeySchema = z.optional(
  z.string().check(z.regex(/^[A-Za-z0-9._:-]{8,128}$/, 'Idempotency-Key: 8-128 letters, digits, . _ : -')),
);

/** The code is needed only where the technician's group makes it part of Start; a body is optional otherwise. */
export const startSessionRequestSchema = named(
  'StartSessionRequest',
  'Start, with the verification code the customer reads out where the group requires it',
  z.object({ verificationCode: z.optional(z.string().check(z.regex(/^[0-9]{2}$/, 'two digits'))) }),
);

export const redeemPinRequestSchema = named(
  'RedeemPinRequest',
  'The PIN the customer typed: six digits; spaces and dashes are ignored',
  z.object({ pin: z.string().check(z.maxLength(maxPinInputLength, 'a PIN is 6 digits'), z.meta({ example: '012345' })) }),
);

export const sessionResponseSchema = named('SessionResponse', 'One session', z.object({ session: sessionViewSchema }));
export const sessionListResponseSchema = named(
  'SessionList',
  "The caller's open sessions, newest first",
  z.object({ sessions: z.array(sessionViewSchema) }),
);
export const meResponseSchema = named('MeResponse', 'The signed-in technician', z.object({ technician: technicianSchema }));

export const logPageSchema = named(
  'LogPage',
  "One page of a session's log, oldest first; read again with `cursor` while `hasMore`",
  z.object({
    entries: z.array(logEntrySchema).check(z.maxLength(logPage.maxLimit)),
    /** Where the next read continues (after the last stored entry of this page); absent for an empty log. */
    cursor: z.optional(z.string()),
    hasMore: z.boolean(),
  }),
);

export const generatedPinSchema = named(
  'GeneratedPin',
  'The PIN, shown once',
  z.object({ pin: z.string().check(z.regex(/^[0-9]{6}$/)), expiresAt: timestamp(), session: sessionViewSchema }),
);

export const redemptionSchema = named(
  'Redemption',
  'The session the PIN opened, the personalized support-app downloads and the progress token',
  z.object({
    sessionId: z.string(),
    technician: z.object({ displayName: z.string() }),
    applet: z.object({
      downloadUrl: z.string().check(z.describe('The Node.js script (platform node)')),
      fileName: z.string(),
      downloads: z
        .array(
          z.object({
            platform: z.enum(downloadPlatforms),
            fileName: z.string().check(z.meta({ example: 'RemoteSupport_<ticket>.exe' })),
            downloadUrl: z.string().check(z.meta({ example: '/applet/windows-x64/RemoteSupport_<ticket>.exe' })),
            bytes: z.int(),
          }),
        )
        .check(z.describe('One entry per system there is a download for: the native apps and the Node.js script')),
    }),
    progress: z.object({ url: z.string(), token: z.string() }),
  }),
);

export const customerProgressSchema = named(
  'CustomerProgress',
  "The customer's view of their one session",
  z.object({ status: z.enum(sessionStatuses), technician: z.object({ displayName: z.string() }), updatedAt: timestamp() }),
);

export { iceConfigurationSchema };
