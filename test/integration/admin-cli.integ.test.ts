import { describe, expect, it } from '@jest/globals';
import { getGroups, getLocalTechnician } from '#storage/directory';
import { runAdmin } from '../../admin/main.ts';
import { adminWithTestTable } from '../support/admin.ts';

const { admin, table } = adminWithTestTable();

describe('admin CLI against DynamoDB Local', () => {
  it('stores group permissions the handlers read', async () => {
    expect(await admin('groups', 'put', 'Support', '--private-sessions', '--pin-code')).toMatchObject({
      code: 0,
      out: 'saved Support  privateSessions, pinCode',
    });
    expect((await admin('groups', 'put', 'Helpdesk', '--private-sessions')).code).toBe(0);
    expect(await getGroups(table(), ['Support', 'Helpdesk'])).toEqual(
      expect.arrayContaining([
        { name: 'Support', permissions: { privateSessions: true, pinCode: true } },
        { name: 'Helpdesk', permissions: { privateSessions: true, pinCode: false } },
      ]),
    );
    const listed = await admin('groups', 'list', '--json');
    expect((JSON.parse(listed.out) as { groups: { name: string }[] }).groups.map((group: { name: string }) => group.name)).toEqual([
      'Helpdesk',
      'Support',
    ]);
  });

  it('creates, lists, regroups and deletes a technician the local identity provider knows', async () => {
    const created = await admin('technicians', 'create', 'dave', '--name', 'Dave Dietz', '--group', 'Helpdesk');
    expect(created).toMatchObject({ code: 0, err: '' });
    expect(created.out).toContain('created dave  "Dave Dietz"  groups: Helpdesk');
    expect(await getLocalTechnician(table(), 'dave')).toMatchObject({
      username: 'dave',
      displayName: 'Dave Dietz',
      groups: ['Helpdesk'],
      sub: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });

    expect((await admin('add-to-group', 'dave', 'Support')).code).toBe(0);
    expect((await getLocalTechnician(table(), 'dave'))?.groups).toEqual(['Helpdesk', 'Support']);

    const list = await admin('technicians', 'list', '--json');
    expect((JSON.parse(list.out) as { technicians: unknown }).technicians).toEqual([
      { username: 'dave', displayName: 'Dave Dietz', groups: ['Helpdesk', 'Support'] },
    ]);

    expect(await admin('technicians', 'delete', 'dave')).toMatchObject({ code: 0, out: 'deleted dave' });
    expect(await getLocalTechnician(table(), 'dave')).toBeUndefined();
  });

  it('fails with exit code 1 and a message that says what to do', async () => {
    expect(await admin('technicians', 'create', 'erin', '--group', 'Nobody')).toMatchObject({
      code: 1,
      err: expect.stringContaining('no group "Nobody"; create it first'),
    });
    expect(await getLocalTechnician(table(), 'erin')).toBeUndefined();
    expect((await admin('technicians', 'create', 'erin')).code).toBe(0);
    expect(await admin('technicians', 'create', 'erin')).toMatchObject({ code: 1, err: 'admin: technician "erin" exists already' });
    expect(await admin('technicians', 'delete', 'nobody')).toMatchObject({ code: 1, err: 'admin: no technician "nobody"' });
    expect(await admin('add-to-group', 'nobody', 'Support')).toMatchObject({ code: 1, err: 'admin: no technician "nobody"' });
  });

  it('names the table problem when the table does not exist', async () => {
    const out: string[] = [];
    const code = await runAdmin(['groups', 'list', '--endpoint', table().endpoint, '--table', 'no-such-table'], {
      out: (l) => out.push(l),
      err: (l) => out.push(l),
    });
    expect(code).toBe(1);
    expect(out.join('\n')).toContain('table "no-such-table" does not exist at this endpoint');
  });
});
