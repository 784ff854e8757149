/**
 * Screen-view signaling, shared by the server (validating every message it
 * relays), the console and the PIN page (validating every message they
 * receive). zod/mini only, so the page's bundle stays small.
 */
import * as z from 'zod/mini';

/**
 * API Gateway refuses WebSocket frames over 32 KB; an SDP with its gathered
 * candidates (no trickle) stays well under this, and the rest of the frame
 * (action, session id, JSON quoting) fits in what is left.
 */
export const maxSdpLength = 24_000;
export const maxFrameBytes = 32 * 1024;

const sdp = z.string().check(z.minLength(1, 'empty description'), z.maxLength(maxSdpLength, `at most ${maxSdpLength} characters`));

/**
 * request (technician asks) -> share | decline (customer answers) -> offer
 * (customer, holding the stream) -> answer (technician); stop from either side.
 * While an app's screen is shown: control_request (technician) -> control_grant |
 * control_decline (customer); control_release (technician) or control_revoke
 * (customer) ends control; stop ends both.
 */
export const screenSignalSchema = z.discriminatedUnion('kind', [
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
]);

export type ScreenSignal = z.infer<typeof screenSignalSchema>;
export type ScreenSignalKind = ScreenSignal['kind'];

/** Which side may send which signal; the server refuses the rest. */
export const screenSignalsFrom: Readonly<Record<'technician' | 'customer', readonly ScreenSignalKind[]>> = {
  technician: ['request', 'answer', 'stop', 'control_request', 'control_release'],
  customer: ['share', 'decline', 'offer', 'stop', 'control_grant', 'control_decline', 'control_revoke'],
};

/** A relayed signal as the receiving side gets it. */
export const screenMessageSchema = z.object({
  type: z.literal('screen'),
  sessionId: z.string(),
  from: z.enum(['technician', 'customer']),
  signal: screenSignalSchema,
  technician: z.optional(z.object({ displayName: z.string() })),
});

export type ScreenMessage = z.infer<typeof screenMessageSchema>;

/** ICE configuration handed out per session (GET .../ice-servers). */
export const iceConfigurationSchema = z.object({
  iceServers: z.array(
    z.object({
      urls: z.union([z.string(), z.array(z.string())]),
      username: z.optional(z.string()),
      credential: z.optional(z.string()),
    }),
  ),
  iceTransportPolicy: z.optional(z.enum(['all', 'relay'])),
});

export type IceConfiguration = z.infer<typeof iceConfigurationSchema>;
