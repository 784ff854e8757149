import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { environmentVariables } from '#domain/config';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * A secret from Secrets Manager in AWS (read once per cold start, retried
 * after a failure), or from the environment locally.
 */
function secretLoader(env: Env, inlineName: string, arnName: string, minimumBytes: number): () => Promise<Buffer | undefined> {
  let loading: Promise<Buffer | undefined> | undefined;
  return () => {
    loading ??= load(env, inlineName, arnName, minimumBytes).catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}

async function load(env: Env, inlineName: string, arnName: string, minimumBytes: number): Promise<Buffer | undefined> {
  const inline = env[inlineName];
  if (inline) return secretBytes(inline, inlineName, minimumBytes);
  const arn = env[arnName];
  if (!arn) return undefined;
  const result = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
  if (!result.SecretString) throw new Error(`The secret named by ${arnName} is empty`);
  return secretBytes(result.SecretString, arnName, minimumBytes);
}

function secretBytes(value: string, name: string, minimumBytes: number): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length < minimumBytes) throw new Error(`The secret from ${name} must be at least ${minimumBytes} bytes`);
  return bytes;
}

/** The PIN keyed-hash secret; the runtime generates one per run locally. Required. */
export function pinSecretLoader(env: Env = process.env): () => Promise<Buffer> {
  const loadSecret = secretLoader(env, environmentVariables.pinSecret, environmentVariables.pinSecretArn, 32);
  return async () => {
    const secret = await loadSecret();
    if (!secret) throw new Error(`Neither ${environmentVariables.pinSecret} nor ${environmentVariables.pinSecretArn} is set`);
    return secret;
  };
}

/** The value CloudFront puts in x-origin-verify; undefined where none is configured (locally). */
export function originVerifySecretLoader(env: Env = process.env): () => Promise<Buffer | undefined> {
  return secretLoader(env, environmentVariables.originVerifySecret, environmentVariables.originVerifySecretArn, 16);
}
