import { describe, expect, it } from '@jest/globals';
import { getIntegrationClient } from '#storage/clients';
import { WebhookStore } from '#storage/webhooks';
import { adminWithTestTable } from '../support/admin.ts';

const { admin, table } = adminWithTestTable();

describe('admin CLI: webhooks', () => {
  it('adds, lists, rotates, shows the delivery log of, and removes an endpoint', async () => {
    const added = await admin(
      'webhooks',
      'add',
      '--url',
      'http://127.0.0.1:9999/hook',
      '--events',
      'session.created,session.closed',
      '--json',
    );
    expect(added.code).toBe(0);
    const { webhook, secret } = JSON.parse(added.out) as { webhook: { id: string; events: string[] }; secret: string };
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(webhook.events).toEqual(['session.created', 'session.closed']);
    expect(JSON.stringify(webhook)).not.toContain(secret);

    const listed = await admin('webhooks', 'list');
    expect(listed.out).toContain(`${webhook.id}  http://127.0.0.1:9999/hook  session.created,session.closed  active`);
    expect(listed.out).not.toContain(secret);

    const rotated = await admin('webhooks', 'rotate-secret', webhook.id);
    expect(rotated.code).toBe(0);
    expect(rotated.out).toMatch(/new signing secret for wh_[0-9a-f]+: whsec_/);
    const stored = await new WebhookStore(table()).getWebhook(webhook.id);
    expect(stored?.previousSecret).toBe(secret);
    expect(stored?.secret).not.toBe(secret);

    expect(await admin('webhooks', 'deliveries', webhook.id)).toMatchObject({ code: 0, out: 'no deliveries yet' });
    expect(await admin('webhooks', 'remove', webhook.id)).toMatchObject({ code: 0, out: `removed ${webhook.id}` });
    expect(await admin('webhooks', 'remove', webhook.id)).toMatchObject({ code: 1, err: expect.stringContaining('no webhook') });
  });

  it('refuses an unknown event type and a URL that is not http(s), storing nothing', async () => {
    expect(await admin('webhooks', 'add', '--url', 'http://127.0.0.1:9999/hook', '--events', 'session.exploded')).toMatchObject({
      code: 2,
      err: expect.stringContaining('unknown event type session.exploded'),
    });
    expect(await admin('webhooks', 'add', '--url', 'ftp://example.com/hook')).toMatchObject({
      code: 1,
      err: expect.stringContaining('must use https or http'),
    });
    expect(await admin('webhooks', 'list')).toMatchObject({ code: 0, out: 'no webhooks' });
  });

  it('lets an integration client act for the groups it is given', async () => {
    expect(await admin('clients', 'put', '4hq1example', '--name', 'Zendesk', '--group', 'Support')).toMatchObject({
      code: 0,
      out: 'saved 4hq1example  "Zendesk"  groups: Support',
    });
    expect(await getIntegrationClient(table(), '4hq1example')).toEqual({ clientId: '4hq1example', name: 'Zendesk', groups: ['Support'] });
    expect(await admin('clients', 'put', '4hq1example', '--name', 'Zendesk')).toMatchObject({
      code: 2,
      err: expect.stringContaining('at least one --group'),
    });
    expect((await admin('clients', 'list')).out).toContain('4hq1example');
    expect(await admin('clients', 'remove', '4hq1example')).toMatchObject({ code: 0 });
    expect(await getIntegrationClient(table(), '4hq1example')).toBeUndefined();
  });
});
