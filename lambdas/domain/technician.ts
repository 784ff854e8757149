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
 * to "[a b c]"; a Lambda authorizer or a test may pass real arrays. Accept both.
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
    return inner.split(/[\s,]+/).filter((group) => group.length > 0);
  }
  return trimmed.split(',').map((group) => group.trim()).filter((group) => group.length > 0);
}

export function technicianFromClaims(claims: Claims | undefined): Technician {
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub.length === 0) throw new Unauthorized();
  const username = typeof claims?.['cognito:username'] === 'string' ? (claims['cognito:username'] as string) : sub;
  const name = claims?.name;
  return {
    id: sub,
    username,
    displayName: typeof name === 'string' && name.length > 0 ? name : username,
    groups: parseGroupsClaim(claims?.['cognito:groups']),
  };
}
