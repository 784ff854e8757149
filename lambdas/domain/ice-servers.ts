import { iceConfigurationSchema, type IceConfiguration } from '#contracts/schemas/screen';
import type { Dependencies } from './dependencies.ts';
import { InvalidTransition } from './errors.ts';
import { sessionOfProgressToken } from './pin-redemption.ts';
import { allowedFrom, describeStatus, effectiveStatus, type SessionItem } from './session-rules.ts';
import { loadOwnedSession } from './sessions.ts';
import type { Technician } from './technician.ts';

/** Where STUN/TURN servers for a session's screen view come from (Kinesis Video Streams in AWS, a setting locally). */
export interface IceServerProvider {
  forSession(sessionId: string): Promise<IceConfiguration>;
}

/**
 * A fixed list, from a JSON setting: empty (host candidates, enough on one
 * machine or LAN) unless a deployment or a test names its own TURN server.
 */
export function staticIceServers(iceServersJson: string | undefined, transportPolicy: string | undefined): IceServerProvider {
  let configuration: IceConfiguration = { iceServers: [] };
  if (iceServersJson || transportPolicy) {
    let servers: unknown = [];
    try {
      servers = iceServersJson ? JSON.parse(iceServersJson) : [];
    } catch {
      throw new Error('ICE_SERVERS must be a JSON array of {"urls", "username", "credential"}');
    }
    const parsed = iceConfigurationSchema.safeParse({
      iceServers: servers,
      ...(transportPolicy ? { iceTransportPolicy: transportPolicy } : {}),
    });
    if (!parsed.success)
      throw new Error('ICE_SERVERS must be a JSON array of {"urls", "username", "credential"}; ICE_TRANSPORT_POLICY "all" or "relay"');
    configuration = parsed.data;
  }
  return { forSession: async () => configuration };
}

function requireActive(deps: Dependencies, session: SessionItem): void {
  const current = effectiveStatus(session, deps.clock.now()).status;
  if (!(allowedFrom.screen as readonly string[]).includes(current)) {
    throw new InvalidTransition(`Screen view needs an active session; it is ${describeStatus(current)}.`);
  }
}

function providerOf(deps: Dependencies): IceServerProvider {
  return deps.iceServers ?? staticIceServers(undefined, undefined);
}

/** The technician's side of a screen view: only for their own active session. */
export async function technicianIceServers(deps: Dependencies, technician: Technician, sessionId: string): Promise<IceConfiguration> {
  const session = await loadOwnedSession(deps, technician, sessionId, 'view the screen of');
  requireActive(deps, session);
  return providerOf(deps).forSession(session.id);
}

/** The session's configuration, for the support app: its screen request carries it (the app has no progress token). */
export function sessionIceConfiguration(deps: Dependencies, sessionId: string): Promise<IceConfiguration> {
  return providerOf(deps).forSession(sessionId);
}

/** The customer's side: the page's progress token names its one session. */
export async function customerIceServers(deps: Dependencies, progressToken: string | undefined): Promise<IceConfiguration> {
  const session = await sessionOfProgressToken(deps, progressToken);
  requireActive(deps, session);
  return providerOf(deps).forSession(session.id);
}
