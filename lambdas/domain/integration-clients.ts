import type { Dependencies } from './dependencies.ts';
import { DomainError, Forbidden, NotFound, ValidationFailed } from './errors.ts';
import type { Technician } from './technician.ts';

/**
 * Helpdesk and ticketing systems call the technician routes with an OAuth 2.0
 * client-credentials access token and act for one technician: the one named
 * on create, the session's owner otherwise. They act under that technician's
 * group permissions, only for technicians of groups the client is allowed
 * for, and the session log names the client as the actor.
 */
export const RESOURCE_SERVER = 'remote-support';
export type ClientScope = 'sessions.read' | 'sessions.write';

export interface ClientPrincipal {
  readonly clientId: string;
  readonly scopes: readonly string[];
}

/** A technician as the directory knows them (the local table, or Cognito in AWS). */
export type TechnicianDirectory = (username: string) => Promise<Technician | undefined>;

type Claims = Readonly<Record<string, unknown>>;

/** A client-credentials access token: `token_use` access, a `client_id`, no user. */
export function clientFromClaims(claims: Claims | undefined): ClientPrincipal | undefined {
  if (
    !claims ||
    claims.token_use !== 'access' ||
    typeof claims.client_id !== 'string' ||
    claims.username !== undefined ||
    claims['cognito:username'] !== undefined
  ) {
    return undefined;
  }
  const scope = typeof claims.scope === 'string' ? claims.scope : '';
  return { clientId: claims.client_id, scopes: scope.split(/\s+/).filter(Boolean) };
}

export class RateLimited extends DomainError {
  constructor(retryAfterSeconds: number) {
    super('too_many_attempts', 429, 'One PIN code per second per technician: try again in a moment.', retryAfterSeconds);
  }
}

/** Resolves the technician a client acts for, or refuses: missing scope, unknown client, group not allowed. */
export async function actingTechnician(
  deps: Dependencies,
  directory: TechnicianDirectory,
  principal: ClientPrincipal,
  scope: ClientScope,
  target: { readonly sessionId?: string; readonly technicianUsername?: unknown },
): Promise<Technician> {
  if (!principal.scopes.includes(`${RESOURCE_SERVER}/${scope}`)) {
    throw new Forbidden(`This client token lacks the scope ${RESOURCE_SERVER}/${scope}.`);
  }
  const client = await deps.store.getIntegrationClient(principal.clientId);
  if (!client) throw new Forbidden(`The client ${principal.clientId} is not registered to act for any technician group.`);
  let username: string;
  if (target.sessionId !== undefined) {
    const session = await deps.store.getSession(target.sessionId);
    if (!session) throw new NotFound();
    username = session.technicianUsername;
  } else {
    if (typeof target.technicianUsername !== 'string' || target.technicianUsername.trim() === '') {
      throw new ValidationFailed('The request is not valid: technician: a client token must name the technician (their user name).', [
        'technician: required',
      ]);
    }
    username = target.technicianUsername.trim();
  }
  const technician = await directory(username);
  const allowedGroups = technician?.groups.filter((group) => client.groups.includes(group)) ?? [];
  // An unknown technician and one of another group look alike: the client learns nothing about who exists.
  if (!technician || allowedGroups.length === 0) {
    throw new Forbidden(`The client ${client.name} may not act for technician "${username}".`);
  }
  return { ...technician, groups: allowedGroups, actingClient: { id: client.clientId, name: client.name } };
}

/** One PIN per second per technician for integration clients, counted in the table so every function instance agrees. */
export async function limitPinRate(deps: Dependencies, technician: Technician): Promise<void> {
  const nowMs = deps.clock.now().getTime();
  const second = Math.floor(nowMs / 1000);
  const taken = await deps.store.reserveAttempt({ scope: 'pin', subject: technician.id, window: second }, 1, second + 60);
  if (taken === undefined) throw new RateLimited(1);
}
