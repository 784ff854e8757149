import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminListGroupsForUserCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  GetGroupCommand,
  GroupExistsException,
  ListGroupsCommand,
  ListUsersCommand,
  ResourceNotFoundException,
  UsernameExistsException,
  UserNotFoundException,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Table } from '#storage/dynamo-client';
import { listGroups as listStoredGroups, putGroup as putStoredGroup, type Group } from '#storage/directory';
import { WebhookStore } from '#storage/webhooks';
import { AdminError, type AdminBackend, type NewTechnician, type TechnicianSummary } from './backend.ts';

/** The stack outputs the CLI works with (lib/remote-support-stack.ts). */
export interface StackResources {
  readonly userPoolId: string;
  readonly tableName: string;
}

export async function describeStack(stackName: string, region: string | undefined): Promise<StackResources> {
  const client = new CloudFormationClient(region ? { region } : {});
  try {
    const result = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const outputs = new Map((result.Stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue]));
    const userPoolId = outputs.get('UserPoolId');
    const tableName = outputs.get('TableName');
    if (!userPoolId || !tableName)
      throw new AdminError(
        `stack "${stackName}" has no UserPoolId/TableName outputs; is it a remote-support stack that finished deploying?`,
      );
    return { userPoolId, tableName };
  } catch (error) {
    if (error instanceof AdminError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (/does not exist/.test(message))
      throw new AdminError(`no stack "${stackName}"${region ? ` in ${region}` : ''}; pass --stack and --region`);
    throw new AdminError(`could not read stack "${stackName}": ${message}`);
  } finally {
    client.destroy();
  }
}

function attribute(user: UserType | undefined, name: string): string | undefined {
  return user?.Attributes?.find((candidate) => candidate.Name === name)?.Value;
}

/** A deployed stack: technicians in Cognito (users and groups), permissions in the DynamoDB table. */
export class AwsBackend implements AdminBackend {
  private readonly cognito: CognitoIdentityProviderClient;
  private readonly table: Table;
  readonly webhooks: WebhookStore;
  readonly allowPrivateWebhooks = false;

  constructor(
    private readonly resources: StackResources,
    region: string | undefined,
  ) {
    this.cognito = new CognitoIdentityProviderClient(region ? { region } : {});
    // The same region for the table as for the pool, whatever AWS_REGION says.
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient(region ? { region } : {}), {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.table = { client: documents, name: resources.tableName };
    this.webhooks = new WebhookStore(this.table);
  }

  async createTechnician(technician: NewTechnician): Promise<TechnicianSummary> {
    if (!technician.email) throw new AdminError('--email is required in AWS: Cognito sends the temporary password there');
    for (const group of technician.groups) await this.requireGroup(group);
    try {
      const created = await this.cognito.send(
        new AdminCreateUserCommand({
          UserPoolId: this.resources.userPoolId,
          Username: technician.username,
          DesiredDeliveryMediums: ['EMAIL'],
          UserAttributes: [
            { Name: 'email', Value: technician.email },
            { Name: 'email_verified', Value: 'true' },
            ...(technician.displayName ? [{ Name: 'name', Value: technician.displayName }] : []),
          ],
        }),
      );
      for (const group of technician.groups) await this.addUserToGroup(technician.username, group);
      return {
        username: technician.username,
        email: technician.email,
        displayName: technician.displayName,
        groups: [...technician.groups],
        status: created.User?.UserStatus,
      };
    } catch (error) {
      if (error instanceof UsernameExistsException) throw new AdminError(`technician "${technician.username}" exists already`);
      throw error;
    }
  }

  async listTechnicians(): Promise<TechnicianSummary[]> {
    const users: UserType[] = [];
    let token: string | undefined;
    do {
      const page = await this.cognito.send(new ListUsersCommand({ UserPoolId: this.resources.userPoolId, PaginationToken: token }));
      users.push(...(page.Users ?? []));
      token = page.PaginationToken;
    } while (token);
    const summaries: TechnicianSummary[] = [];
    for (const user of users) {
      const username = user.Username ?? '';
      const groups = await this.cognito.send(
        new AdminListGroupsForUserCommand({ UserPoolId: this.resources.userPoolId, Username: username }),
      );
      summaries.push({
        username,
        email: attribute(user, 'email'),
        displayName: attribute(user, 'name'),
        groups: (groups.Groups ?? []).map((group) => group.GroupName ?? '').sort(),
        status: user.UserStatus,
      });
    }
    return summaries.sort((a, b) => a.username.localeCompare(b.username));
  }

  async deleteTechnician(username: string): Promise<void> {
    try {
      await this.cognito.send(new AdminDeleteUserCommand({ UserPoolId: this.resources.userPoolId, Username: username }));
    } catch (error) {
      if (error instanceof UserNotFoundException) throw new AdminError(`no technician "${username}"`);
      throw error;
    }
  }

  async addToGroup(username: string, group: string): Promise<TechnicianSummary> {
    await this.requireGroup(group);
    await this.addUserToGroup(username, group);
    const groups = await this.cognito.send(
      new AdminListGroupsForUserCommand({ UserPoolId: this.resources.userPoolId, Username: username }),
    );
    return { username, groups: (groups.Groups ?? []).map((entry) => entry.GroupName ?? '').sort() };
  }

  /** The Cognito group puts the name into tokens; the table row holds what the group may do. */
  async putGroup(group: Group): Promise<void> {
    try {
      await this.cognito.send(
        new CreateGroupCommand({
          UserPoolId: this.resources.userPoolId,
          GroupName: group.name,
          Description: 'Remote-support technician group (permissions in DynamoDB)',
        }),
      );
    } catch (error) {
      if (!(error instanceof GroupExistsException)) throw error;
    }
    await putStoredGroup(this.table, group);
  }

  async listGroups(): Promise<Group[]> {
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.cognito.send(new ListGroupsCommand({ UserPoolId: this.resources.userPoolId, NextToken: token }));
      names.push(...(page.Groups ?? []).map((group) => group.GroupName ?? ''));
      token = page.NextToken;
    } while (token);
    const stored = new Map((await listStoredGroups(this.table)).map((group) => [group.name, group]));
    return names
      .map((name) => stored.get(name) ?? { name, permissions: { privateSessions: false, pinCode: false } })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  close(): void {
    this.cognito.destroy();
    this.table.client.destroy();
  }

  private async requireGroup(group: string): Promise<void> {
    try {
      await this.cognito.send(new GetGroupCommand({ UserPoolId: this.resources.userPoolId, GroupName: group }));
    } catch (error) {
      if (error instanceof ResourceNotFoundException) {
        throw new AdminError(`no group "${group}"; create it first: groups put ${group} [--private-sessions] [--pin-code]`);
      }
      throw error;
    }
  }

  private async addUserToGroup(username: string, group: string): Promise<void> {
    try {
      await this.cognito.send(
        new AdminAddUserToGroupCommand({ UserPoolId: this.resources.userPoolId, Username: username, GroupName: group }),
      );
    } catch (error) {
      if (error instanceof UserNotFoundException) throw new AdminError(`no technician "${username}"`);
      throw error;
    }
  }
}
