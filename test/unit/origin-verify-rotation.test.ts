import { GetSecretValueCommand, ResourceNotFoundException, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from '@jest/globals';
import { originVerifyRefreshMs, originVerifySecretLoader } from '#shared/secret-loaders';

/** Secrets Manager as far as the loader uses it: versions by stage, rotated by put(). */
class FakeSecret {
  versions: Record<string, string> = { AWSCURRENT: 'first-origin-verify-value' };
  reads = 0;

  put(value: string): void {
    this.versions = { AWSCURRENT: value, AWSPREVIOUS: this.versions.AWSCURRENT! };
  }

  readonly client: Pick<SecretsManagerClient, 'send'> = {
    send: async (command: GetSecretValueCommand) => {
      this.reads += 1;
      const value = this.versions[command.input.VersionStage ?? 'AWSCURRENT'];
      if (value === undefined) throw new ResourceNotFoundException({ message: 'no such version', $metadata: {} });
      return { SecretString: value };
    },
  };
}

const texts = (values: Buffer[]) => values.map((value) => value.toString('utf8'));

describe('origin-verify values during a rotation', () => {
  it('accepts the current value alone before any rotation', async () => {
    const secret = new FakeSecret();
    const load = originVerifySecretLoader({ ORIGIN_VERIFY_SECRET_ARN: 'arn:secret' }, secret.client, () => 0);
    expect(texts(await load())).toEqual(['first-origin-verify-value']);
  });

  it('a warm function picks up the new value within the refresh period and keeps accepting the old one', async () => {
    const secret = new FakeSecret();
    let clock = 0;
    const load = originVerifySecretLoader({ ORIGIN_VERIFY_SECRET_ARN: 'arn:secret' }, secret.client, () => clock);
    await load();
    secret.put('second-origin-verify-value');
    clock += 1000;
    expect(texts(await load())).toEqual(['first-origin-verify-value']);
    clock += originVerifyRefreshMs;
    // CloudFront's edges move to the new value over minutes: both are good meanwhile.
    expect(texts(await load())).toEqual(['second-origin-verify-value', 'first-origin-verify-value']);
  });

  it('reads again after a failed read instead of keeping the failure', async () => {
    const secret = new FakeSecret();
    let failing = true;
    const flaky: Pick<SecretsManagerClient, 'send'> = {
      send: async (command: GetSecretValueCommand) => {
        if (failing) throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
        return secret.client.send(command);
      },
    };
    const load = originVerifySecretLoader({ ORIGIN_VERIFY_SECRET_ARN: 'arn:secret' }, flaky, () => 0);
    await expect(load()).rejects.toThrow('throttled');
    failing = false;
    expect(texts(await load())).toEqual(['first-origin-verify-value']);
  });

  it('uses the value given by value locally, and none where none is configured', async () => {
    const secret = new FakeSecret();
    expect(texts(await originVerifySecretLoader({ ORIGIN_VERIFY_SECRET: 'local-origin-verify' }, secret.client)())).toEqual([
      'local-origin-verify',
    ]);
    expect(await originVerifySecretLoader({}, secret.client)()).toEqual([]);
    expect(secret.reads).toBe(0);
  });
});
