import { describe, expect, it } from '@jest/globals';
import { parseAdminArguments, UsageError } from '../../admin/arguments.ts';
import { runAdmin } from '../../admin/main.ts';

const local = { DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000' };

describe('admin CLI arguments', () => {
  it('parses technician creation with groups against the local runtime', () => {
    const invocation = parseAdminArguments(
      ['technicians', 'create', 'dave', '--name', 'Dave Dietz', '--group', 'Support', '--group', 'Helpdesk'],
      local,
    );
    expect(invocation.command).toEqual({
      kind: 'technicians-create',
      username: 'dave',
      email: undefined,
      displayName: 'Dave Dietz',
      groups: ['Support', 'Helpdesk'],
    });
    expect(invocation.target).toEqual({ kind: 'local', endpoint: 'http://127.0.0.1:8000', table: 'remote-support' });
  });

  it('reads permissions as flags: a permission not given is denied', () => {
    expect(parseAdminArguments(['groups', 'put', 'Support', '--private-sessions', '--pin-code'], local).command).toEqual({
      kind: 'groups-put',
      name: 'Support',
      privateSessions: true,
      pinCode: true,
      verificationCodeAtStart: false,
    });
    expect(parseAdminArguments(['groups', 'put', 'Observers'], local).command).toMatchObject({ privateSessions: false, pinCode: false });
  });

  it('makes the verification code part of Start only when asked', () => {
    expect(parseAdminArguments(['groups', 'put', 'Support', '--pin-code', '--verification-code-at-start'], local).command).toMatchObject({
      pinCode: true,
      verificationCodeAtStart: true,
    });
    expect(() => parseAdminArguments(['groups', 'list', '--verification-code-at-start'], local)).toThrow(/does not apply/);
  });

  it('accepts add-to-group at the top level too', () => {
    expect(parseAdminArguments(['add-to-group', 'bob', 'Support'], local).command).toEqual({
      kind: 'technicians-add-to-group',
      username: 'bob',
      group: 'Support',
    });
  });

  it('targets a deployed stack when one is named, with the region from the option or the environment', () => {
    expect(parseAdminArguments(['groups', 'list', '--stack', 'Support-Prod', '--region', 'eu-west-1'], {}).target).toEqual({
      kind: 'aws',
      stack: 'Support-Prod',
      region: 'eu-west-1',
    });
    expect(parseAdminArguments(['groups', 'list', '--target', 'aws'], { AWS_REGION: 'eu-central-1' }).target).toEqual({
      kind: 'aws',
      stack: 'RemoteSupport',
      region: 'eu-central-1',
    });
    expect(parseAdminArguments(['groups', 'list'], { REMOTE_SUPPORT_STACK: 'Other' }).target).toMatchObject({
      kind: 'aws',
      stack: 'Other',
    });
  });

  it.each([
    [['teleport'], 'unknown command "teleport"'],
    [['technicians'], 'missing technicians subcommand'],
    [['technicians', 'create'], 'missing user name'],
    [['technicians', 'create', 'has space'], 'user name "has space"'],
    [['technicians', 'create', 'eve', '--email', 'not-an-address'], 'is not an e-mail address'],
    [['technicians', 'delete', 'eve', 'extra'], 'unexpected argument "extra"'],
    [['groups', 'put', 'G', '--email', 'a@b.de'], '--email does not apply'],
    [['groups', 'list', '--target', 'cloud'], '--target must be local or aws'],
    [['groups', 'list', '--bogus'], "Unknown option '--bogus'"],
    [
      ['groups', 'list', '--target', 'aws', '--endpoint', 'http://x:1'],
      '--endpoint, --table and --credentials-file apply to --target local',
    ],
    [['groups', 'list', '--credentials-file', '/tmp/c.json', '--table', 't1x'], 'drop --endpoint and --table'],
    [['groups', 'list', '--stack', 'S', '--region', 'mars'], '--region "mars" is not an AWS region'],
  ])('rejects %j with a message naming the problem', (argv, message) => {
    expect(() => parseAdminArguments(argv, local)).toThrow(UsageError);
    expect(() => parseAdminArguments(argv, local)).toThrow(message);
  });

  it('says where to find the endpoint when no target can be determined', () => {
    expect(() => parseAdminArguments(['groups', 'list'], {})).toThrow(/--credentials-file <path> \(npm start prints the line to use\)/);
  });

  it("takes the local runtime's endpoint, table and key from its credentials file", () => {
    expect(parseAdminArguments(['groups', 'list', '--credentials-file', '/tmp/run/credentials.json'], {}).target).toEqual({
      kind: 'local',
      credentialsFile: '/tmp/run/credentials.json',
    });
    expect(parseAdminArguments(['groups', 'list'], { DYNAMODB_LOCAL_CREDENTIALS_FILE: '/tmp/c.json', ...local }).target).toEqual({
      kind: 'local',
      credentialsFile: '/tmp/c.json',
    });
  });

  it('exits 2 with usage on bad input and 0 with usage on --help, touching no backend', async () => {
    const lines: string[] = [];
    const io = { out: (line: string) => lines.push(`out:${line}`), err: (line: string) => lines.push(`err:${line}`) };
    const noBackend = async () => {
      throw new Error('must not connect');
    };
    expect(await runAdmin(['groups', 'frobnicate'], io, local, noBackend)).toBe(2);
    expect(lines.join('\n')).toMatch(/^err:admin: unknown groups subcommand "frobnicate"/);
    lines.length = 0;
    expect(await runAdmin(['--help'], io, {}, noBackend)).toBe(0);
    expect(lines.join('\n')).toContain('out:Usage: npm run admin');
  });

  it('exits 1 with the message, no stack trace, when the backend fails', async () => {
    const lines: string[] = [];
    const io = { out: (line: string) => lines.push(line), err: (line: string) => lines.push(line) };
    const failing = async () => {
      throw new Error('connect ECONNREFUSED');
    };
    expect(await runAdmin(['groups', 'list'], io, local, failing)).toBe(1);
    expect(lines).toEqual(['admin: Error: connect ECONNREFUSED']);
  });
});
