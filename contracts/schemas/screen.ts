/**
 * Screen-view signaling, shared by the server (validating every message it
 * relays), the console and the PIN page (validating every message they
 * receive). zod/mini and nothing else, so the page's bundle stays small.
 */
import * as z from 'zod/mini';
import { maxSdpLength } from '../limits.ts';
import { named } from './registry.ts';

const sdp = z.string().check(z.minLength(1, 'empty description'), z.maxLength(maxSdpLength, `at most ${maxSdpLength} characters`));

/**
 * request (technician asks) -> share | decline (customer answers) -> offer
 * (customer, holding the stream) -> answer (technician); stop from either side.
 * While an app's screen is shown: control_request (technician) -> control_grant |
 * control_decline (customer); control_release (technician) or control_revoke
 * (customer) ends control; stop ends both.
 */
export const screenSignalSchema = named(
  'ScreenSignal',
  'One step of screen-view signaling: request (technician) -> share | decline (customer) -> offer (customer) -> answer (technician); stop from either side. Remote control (support app): control_request (technician) -> control_grant | control_decline (customer); control_release (technician) or control_revoke (customer) ends it',
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('request') }),
    z.object({ kind: z.literal('share') }),
    z.object({ kind: z.literal('decline') }),
    z.object({ kind: z.literal('offer'), sdp }),
    z.object({ kind: z.literal('answer'), sdp }),
    z.object({ kind: z.literal('stop') }),
    // Remote control, support app only: asked and answered here (and logged); the input itself travels on the data channel.
    z.object({ kind: z.literal('control_request') }),
    z.object({ kind: z.literal('control_grant') }),
    z.object({ kind: z.literal('control_decline') }),
    z.object({ kind: z.literal('control_release') }),
    z.object({ kind: z.literal('control_revoke') }),
  ]),
);

export type ScreenSignal = z.infer<typeof screenSignalSchema>;
export type ScreenSignalKind = ScreenSignal['kind'];

/** Which side may send which signal; the server refuses the rest. */
export const screenSignalsFrom: Readonly<Record<'technician' | 'customer', readonly ScreenSignalKind[]>> = {
  technician: ['request', 'answer', 'stop', 'control_request', 'control_release'],
  customer: ['share', 'decline', 'offer', 'stop', 'control_grant', 'control_decline', 'control_revoke'],
};

/** ICE configuration handed out per session (GET .../ice-servers). */
export const iceConfigurationSchema = named(
  'IceConfiguration',
  'RTCConfiguration fields: STUN/TURN servers with short-lived credentials',
  z.object({
    iceServers: z.array(
      z.object({
        urls: z.union([z.string(), z.array(z.string())]),
        username: z.optional(z.string()),
        credential: z.optional(z.string()),
      }),
    ),
    iceTransportPolicy: z.optional(z.enum(['all', 'relay'])),
  }),
);

export type IceConfiguration = z.infer<typeof iceConfigurationSchema>;

/** A relayed signal as the receiving side gets it. */
export const screenMessageSchema = named(
  'ScreenMessage',
  'A screen-view signal relayed to the other side of the session',
  z.object({
    type: z.literal('screen'),
    sessionId: z.string(),
    from: z.enum(['technician', 'customer']),
    signal: screenSignalSchema,
    /** Set on requests (screen and control): the customer is asked by name. */
    technician: z.optional(z.object({ displayName: z.string() })),
    /**
     * Set on a screen request to the support app: it has no progress token to
     * fetch GET /api/pin/ice-servers with, so the same configuration comes with the request.
     */
    iceConfiguration: z.optional(iceConfigurationSchema),
  }),
);

export type ScreenMessage = z.infer<typeof screenMessageSchema>;
