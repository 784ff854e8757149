/**
 * The session as clients see it: HTTP responses, `session.updated` and
 * `session.state` messages, the log. The types are inferred from these
 * schemas; web clients import the types only, which costs their bundles nothing.
 */
import * as z from 'zod/mini';
import { maxCustomerNameLength } from '../limits.ts';
import { closeReasons, customerVias, sessionStatuses } from '../statuses.ts';
import { isAcceptableText } from '../text.ts';
import { named, timestamp } from './registry.ts';

const wellFormed = 'no control characters or broken Unicode';
export const shortText = (max: number) =>
  z.string().check(
    z.maxLength(max, `at most ${max} characters`),
    z.refine((text) => isAcceptableText(text), wellFormed),
  );
const boundedNumber = (max: number, integer = true) =>
  z.number().check(...(integer ? [z.int()] : []), z.minimum(0, 'must not be negative'), z.maximum(max, `at most ${max}`));

export const sessionStatusSchema = z.enum(sessionStatuses);
export const closeReasonSchema = z.enum(closeReasons);

/** What the applet may report; bounded so a hostile client cannot bloat the session item. Unknown keys are dropped. */
export const systemInfoSchema = named(
  'SystemInfo',
  "What the support app reports about the customer's computer; unknown keys are dropped",
  z.partial(
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
  ),
);

export type SystemInfo = z.infer<typeof systemInfoSchema>;

const verificationCode = z.string().check(z.regex(/^[0-9]{2}$/, 'two digits'));

export const sessionViewSchema = named(
  'Session',
  'A session as its technician sees it',
  z.object({
    id: z.string(),
    customerName: z.string().check(z.maxLength(maxCustomerNameLength)),
    status: sessionStatusSchema,
    createdAt: timestamp(),
    updatedAt: timestamp(),
    /** When the session entered its current status. */
    statusChangedAt: timestamp(),
    technician: z.object({ id: z.string(), username: z.string(), displayName: z.string() }),
    /** Set while a PIN is live (pending) or once one was issued. */
    pinExpiresAt: z.optional(timestamp()),
    /** When the current status times out by itself (pending, connecting, waiting). */
    deadlineAt: z.optional(timestamp()),
    redeemedAt: z.optional(timestamp()),
    startedAt: z.optional(timestamp()),
    closedAt: z.optional(timestamp()),
    closeReason: z.optional(closeReasonSchema),
    /** Two digits both sides read aloud once the customer is waiting, so the technician knows who connected. */
    verificationCode: z.optional(verificationCode),
    customer: z.optional(
      z.object({
        connected: z.boolean(),
        via: z.optional(z.enum(customerVias)),
        ip: z.optional(z.string()),
        userAgent: z.optional(z.string()),
        systemInfo: z.optional(systemInfoSchema),
      }),
    ),
    /** Failed PIN redemptions seen while this session's PIN was live. */
    failedRedeemsBeforeSuccess: z.optional(z.int()),
  }),
);

export type SessionView = z.infer<typeof sessionViewSchema>;

export const logEventTypes = [
  'created',
  'pin_generated',
  'pin_replaced',
  'pin_redeemed',
  'applet_connected',
  'applet_disconnected',
  'system_info',
  'browser_joined',
  'browser_disconnected',
  'screen_requested',
  'screen_shared',
  'screen_declined',
  'screen_stopped',
  'control_requested',
  'control_granted',
  'control_declined',
  'control_released',
  'control_revoked',
  'verification_failed',
  'started',
  'chat',
  'closed',
  'expired',
  'timed_out',
  'denied',
  'log_full',
] as const;

export type LogEventType = (typeof logEventTypes)[number];

export const logEntrySchema = named(
  'LogEntry',
  "One entry of a session's log",
  z.object({
    at: timestamp(),
    type: z.enum(logEventTypes),
    /** `client`: an integration client (helpdesk system) acting for the session's technician. */
    actor: z.object({ kind: z.enum(['technician', 'customer', 'system', 'client']), name: z.optional(z.string()) }),
    message: z.string(),
    details: z.optional(z.record(z.string(), z.unknown())),
  }),
);

export type SessionLogEntry = z.infer<typeof logEntrySchema>;

/** What the customer's side (applet, PIN page) learns about its session. */
export const customerSessionStateSchema = named(
  'CustomerSessionState',
  "The customer's view of their one session",
  z.object({
    id: z.string(),
    status: sessionStatusSchema,
    technician: z.object({ displayName: z.string() }),
    verificationCode: z.optional(verificationCode),
    via: z.optional(z.enum(customerVias)),
  }),
);

export type CustomerSessionState = z.infer<typeof customerSessionStateSchema>;

export const technicianSchema = named(
  'Technician',
  'The signed-in technician, their groups and what those allow',
  z.object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    groups: z.array(z.string()),
    permissions: z.object({ privateSessions: z.boolean(), pinCode: z.boolean() }),
    /** A group of theirs makes typing the customer's verification code part of Start. */
    verificationCodeAtStart: z.optional(z.boolean()),
  }),
);

export type TechnicianView = z.infer<typeof technicianSchema>;
