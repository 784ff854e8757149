import {
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  CognitoIdentityProviderClient,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { TechnicianDirectory } from '#domain/integration-clients';
import { getLocalTechnician } from '#storage/directory';
import type { Table } from '#storage/dynamo-client';

/** Names the user pool in AWS; unset locally, where the technicians live in the table. */
export const USER_POOL_ID = 'USER_POOL_ID';

let cognito: CognitoIdentityProviderClient | undefined;

/** Cognito's users and groups in AWS; the local identity provider's table otherwise. */
export function technicianDirectory(table: Table, env: Readonly<Record<string, string | undefined>> = process.env): TechnicianDirectory {
  const userPoolId = env[USER_POOL_ID];
  if (!userPoolId) {
    return async (username) => {
      const found = await getLocalTechnician(table, username);
      return found && { id: found.sub, username: found.username, displayName: found.displayName, groups: found.groups };
    };
  }
  cognito ??= new CognitoIdentityProviderClient({ maxAttempts: 3 });
  const client = cognito;
  return async (username) => {
    try {
      const user = await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
      const attribute = (name: string) => user.UserAttributes?.find((candidate) => candidate.Name === name)?.Value;
      const groups = await client.send(new AdminListGroupsForUserCommand({ UserPoolId: userPoolId, Username: username, Limit: 60 }));
      const sub = attribute('sub');
      if (!sub || user.Enabled === false) return undefined;
      return {
        id: sub,
        username: user.Username ?? username,
        displayName: attribute('name') || (user.Username ?? username),
        groups: (groups.Groups ?? []).map((group) => group.GroupName ?? '').filter(Boolean),
      };
    } catch (error) {
      if (error instanceof UserNotFoundException) return undefined;
      throw error;
    }
  };
}
