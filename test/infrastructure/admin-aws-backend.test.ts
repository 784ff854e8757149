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
  UserNotFoundException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { runAdmin } from '../../admin/main.ts';

const cloudFormation = mockClient(CloudFormationClient);
const cognito = mockClient(CognitoIdentityProviderClient);
const documents = mockClient(DynamoDBDocumentClient);

const userPoolId = 'eu-central-1_AbCdEf123';
const tableName = 'RemoteSupport-StorageTable-XYZ';
const env = { AWS_REGION: 'eu-central-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };

async function admin(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAdmin([...argv, '--stack', 'RemoteSupport'], { out: (line) => out.push(line), err: (line) => err.push(line) }, env);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const cognitoError = <T extends new (options: { message: string; $metadata: object }) => Error>(Type: T, message: string) =>
  new Type({ message, $metadata: {} });

beforeEach(() => {
  cloudFormation.reset();
  cognito.reset();
  documents.reset();
  cloudFormation.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: 'RemoteSupport',
        CreationTime: new Date(),
        StackStatus: 'CREATE_COMPLETE',
        Outputs: [
          { OutputKey: 'UserPoolId', OutputValue: userPoolId },
          { OutputKey: 'TableName', OutputValue: tableName },
        ],
      },
    ],
  });
});

describe('admin CLI against a deployed stack (AWS SDK mocked)', () => {
  it('finds the pool and table from the stack outputs, creates the Cognito group and stores its permissions', async () => {
    cognito.on(CreateGroupCommand).resolves({});
    documents.on(PutCommand).resolves({});

    expect(await admin('groups', 'put', 'Support', '--private-sessions', '--pin-code')).toMatchObject({ code: 0 });

    expect(cloudFormation).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: 'RemoteSupport' });
    expect(cognito).toHaveReceivedCommandWith(CreateGroupCommand, { UserPoolId: userPoolId, GroupName: 'Support' });
    expect(documents).toHaveReceivedCommandWith(PutCommand, {
      TableName: tableName,
      Item: expect.objectContaining({ pk: 'GROUP#Support', permissions: { privateSessions: true, pinCode: true } }),
    });
  });

  it('updates the permissions of a group that exists in Cognito already', async () => {
    cognito.on(CreateGroupCommand).rejects(cognitoError(GroupExistsException, 'exists'));
    documents.on(PutCommand).resolves({});
    expect((await admin('groups', 'put', 'Helpdesk', '--private-sessions')).code).toBe(0);
    expect(documents).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ permissions: { privateSessions: true, pinCode: false } }),
    });
  });

  it('lists Cognito groups with their stored permissions; a group without a row has none', async () => {
    cognito.on(ListGroupsCommand).resolves({ Groups: [{ GroupName: 'Support' }, { GroupName: 'Visitors' }] });
    documents
      .on(ScanCommand)
      .resolves({ Items: [{ kind: 'group', name: 'Support', permissions: { privateSessions: true, pinCode: true } }] });
    const listed = await admin('groups', 'list');
    expect(listed).toMatchObject({ code: 0, out: 'Support  privateSessions, pinCode\nVisitors  (no permissions)' });
  });

  it('creates a technician with a verified e-mail, invited by Cognito, in an existing group', async () => {
    cognito.on(GetGroupCommand).resolves({ Group: { GroupName: 'Support' } });
    cognito.on(AdminCreateUserCommand).resolves({ User: { Username: 'alice', UserStatus: 'FORCE_CHANGE_PASSWORD' } });
    cognito.on(AdminAddUserToGroupCommand).resolves({});

    const result = await admin(
      'technicians',
      'create',
      'alice',
      '--email',
      'alice@example.com',
      '--name',
      'Alice Adler',
      '--group',
      'Support',
    );

    expect(result).toMatchObject({
      code: 0,
      out: 'created alice  "Alice Adler"  <alice@example.com>  groups: Support  [FORCE_CHANGE_PASSWORD]',
    });
    expect(cognito).toHaveReceivedCommandWith(AdminCreateUserCommand, {
      UserPoolId: userPoolId,
      Username: 'alice',
      DesiredDeliveryMediums: ['EMAIL'],
      UserAttributes: [
        { Name: 'email', Value: 'alice@example.com' },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'name', Value: 'Alice Adler' },
      ],
    });
    expect(cognito).toHaveReceivedCommandWith(AdminAddUserToGroupCommand, {
      UserPoolId: userPoolId,
      Username: 'alice',
      GroupName: 'Support',
    });
  });

  it('refuses to create a technician without e-mail, in a missing group, or twice', async () => {
    expect(await admin('technicians', 'create', 'bob')).toMatchObject({
      code: 1,
      err: expect.stringContaining('--email is required in AWS'),
    });

    cognito.on(GetGroupCommand).rejects(cognitoError(ResourceNotFoundException, 'no group'));
    expect(await admin('technicians', 'create', 'bob', '--email', 'bob@example.com', '--group', 'Ghosts')).toMatchObject({
      code: 1,
      err: expect.stringContaining('no group "Ghosts"; create it first'),
    });
    expect(cognito).not.toHaveReceivedCommand(AdminCreateUserCommand);

    cognito.on(AdminCreateUserCommand).rejects(cognitoError(UsernameExistsException, 'exists'));
    expect(await admin('technicians', 'create', 'bob', '--email', 'bob@example.com')).toMatchObject({
      code: 1,
      err: 'admin: technician "bob" exists already',
    });
  });

  it('lists technicians with their groups and deletes one', async () => {
    cognito.on(ListUsersCommand).resolves({
      Users: [{ Username: 'carol', UserStatus: 'CONFIRMED', Attributes: [{ Name: 'email', Value: 'carol@example.com' }] }],
    });
    cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: [{ GroupName: 'Observers' }] });
    const listed = await admin('technicians', 'list', '--json');
    expect(JSON.parse(listed.out)).toEqual({
      technicians: [{ username: 'carol', email: 'carol@example.com', groups: ['Observers'], status: 'CONFIRMED' }],
    });

    cognito.on(AdminDeleteUserCommand).resolves({});
    expect(await admin('technicians', 'delete', 'carol')).toMatchObject({ code: 0, out: 'deleted carol' });
    cognito.on(AdminDeleteUserCommand).rejects(cognitoError(UserNotFoundException, 'gone'));
    expect(await admin('technicians', 'delete', 'carol')).toMatchObject({ code: 1, err: 'admin: no technician "carol"' });
  });

  it('explains a missing stack instead of dumping the SDK error', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(new Error('Stack with id Nope does not exist'));
    expect(await admin('groups', 'list')).toMatchObject({
      code: 1,
      err: 'admin: no stack "RemoteSupport" in eu-central-1; pass --stack and --region',
    });
  });
});
