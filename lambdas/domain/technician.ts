import { Unauthorized } from './errors.ts';

/** The signed-in technician, as the JWT (Cognito ID token or the local one) names them. */
export interface Technician {
  /** Cognito `sub`: stable, never reused. */
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly groups: readonly string[];
  /** Set when an integration client acts for this technician: the log names the client as actor. */
  readonly actingClient?: { readonly id: string; readonly name: string };
}

type Claims = Readonly<Record<string, unknown>>;

/**
 * API Gateway's JWT authorizer hands claims over as strings, arrays flattened
 * to "[a b c]" (joined with single spaces); the WebSocket authorizer passes the
 * token's real array. Both go through here. Cognito group names hold no
 * whitespace but may hold commas, so the flattened form is split on whitespace
 * only: "[Observers,Support]" is the one group "Observers,Support" on both paths.
 */
export function parseGroupsClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String).filter((group) => group.length > 0);
  if (typeof value !== 'string') return [];
  const trimmed = value.trim();
  if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
    const inner = trimmed.slice(1, -1).trim();
    if (inner.startsWith('"')) {
      try {
        const parsed: unknown = JSON.parse(trimmed);
        if (Array.isArray(parsed)) return parsed.map(String);
      } catch {
        // not JSON: fall through to the space-separated form
      }
    }
    return inner.split(/\s+/).filter((group) => group.length > 0);
  }
  // A bare string is one group, as a one-element array would be.
  return trimmed.length > 0 ? [trimmed] : [];
}

export function technicianFromClaims(claims: Claims | undefined): Technician {
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub.length === 0) throw new Unauthorized();
  const username = typeof claims?.['cognito:username'] === 'string' ? claims['cognito:username'] : sub;
  const name = claims?.name;
  return {
    id: sub,
    username,
    displayName: typeof name === 'string' && name.length > 0 ? name : username,
    groups: parseGroupsClaim(claims?.['cognito:groups']),
  };
}
