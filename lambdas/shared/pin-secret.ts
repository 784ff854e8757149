import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { environmentVariables } from '#domain/config';

/**
 * The PIN keyed-hash secret: from Secrets Manager in AWS (read once per cold
 * start), from the environment locally (the runtime generates one per run).
 */
export function pinSecretLoader(env: Readonly<Record<string, string | undefined>> = process.env): () => Promise<Buffer> {
  let loading: Promise<Buffer> | undefined;
  return () => {
    loading ??= load(env).catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}

async function load(env: Readonly<Record<string, string | undefined>>): Promise<Buffer> {
  const inline = env[environmentVariables.pinSecret];
  if (inline) return secretBytes(inline);
  const arn = env[environmentVariables.pinSecretArn];
  if (!arn) throw new Error(`Neither ${environmentVariables.pinSecret} nor ${environmentVariables.pinSecretArn} is set`);
  const result = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
  if (!result.SecretString) throw new Error('The PIN secret is empty');
  return secretBytes(result.SecretString);
}

function secretBytes(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length < 32) throw new Error('The PIN secret must be at least 32 bytes');
  return bytes;
}
