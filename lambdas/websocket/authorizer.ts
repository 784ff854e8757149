import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { sessionForProgressToken, sessionForTicket } from '#domain/live-connections';
import { environmentVariables } from '#domain/config';
import { technicianFromClaims } from '#domain/technician';
import { dependencies } from '#shared/dependencies';
import { jwtVerifierFromEnvironment } from '#shared/jwt-verifier';
import { logger } from '#shared/logger';

const verifyJwt = jwtVerifierFromEnvironment();

const allowedOrigins = (process.env[environmentVariables.allowedOrigins] ?? '')
  .split(',')
  .map((origin) => origin.trim().replace(/\/$/, ''))
  .filter(Boolean);

/**
 * Browsers send Origin; a page on another site must not open a technician's
 * socket with a token it got hold of. The applet (not a browser) sends none.
 */
function originAllowed(headers: Record<string, string | undefined> | null): boolean {
  if (allowedOrigins.length === 0) return true;
  const origin = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'origin')?.[1];
  return origin === undefined || allowedOrigins.includes(origin.replace(/\/$/, ''));
}

function policy(
  event: APIGatewayRequestAuthorizerEvent,
  effect: 'Allow' | 'Deny',
  principalId: string,
  context?: Record<string, string>,
): APIGatewayAuthorizerResult {
  return {
    principalId,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: event.methodArn }] },
    ...(context ? { context } : {}),
  };
}

const allow = (event: APIGatewayRequestAuthorizerEvent, principalId: string, context: Record<string, string>) =>
  policy(event, 'Allow', principalId, context);

/**
 * A refusal is an answer, not a failure: API Gateway turns a Deny policy into 403, while a throw
 * would count as a Lambda error and page on-call for every anonymous or expired `$connect`.
 * Only real faults (the table unreachable, a bug) still throw.
 */
const deny = (event: APIGatewayRequestAuthorizerEvent) => policy(event, 'Deny', 'anonymous');

/**
 * `$connect` authorizer: a technician presents `?token=<JWT>`, the applet
 * `?ticket=<ticket>`, the customer's PIN page `?progress=<progress token>`.
 * Anything else is denied (403) before a connection exists.
 */
export const handler = async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  const query = event.queryStringParameters ?? {};
  if (!originAllowed(event.headers)) {
    logger.info('WebSocket origin refused', { event: 'websocket_origin_refused' });
    return deny(event);
  }
  if (query.token) {
    try {
      const claims = await verifyJwt(query.token);
      const technician = technicianFromClaims(claims);
      return allow(event, technician.id, {
        // The socket must not outlive the token: API Gateway never looks at it again after $connect.
        ...(typeof claims.exp === 'number' ? { tokenExpiresAt: String(claims.exp) } : {}),
        role: 'technician',
        technicianId: technician.id,
        username: technician.username,
        displayName: technician.displayName,
        groups: JSON.stringify(technician.groups),
      });
    } catch (error) {
      logger.info('WebSocket token refused', { event: 'websocket_token_refused', errorName: (error as Error).name });
      return deny(event);
    }
  }
  if (query.ticket) {
    const grant = await sessionForTicket(dependencies(), query.ticket);
    if (grant)
      return allow(event, `applet:${grant.sessionId}`, { role: 'applet', sessionId: grant.sessionId, ticketHash: grant.ticketHash });
    logger.info('WebSocket ticket refused', { event: 'websocket_ticket_refused' });
  }
  if (query.progress) {
    const sessionId = await sessionForProgressToken(dependencies(), query.progress);
    if (sessionId) return allow(event, `page:${sessionId}`, { role: 'page', sessionId });
    logger.info('WebSocket progress token refused', { event: 'websocket_progress_refused' });
  }
  return deny(event);
};
