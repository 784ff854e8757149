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

/** How long a warm function trusts the origin-verify values it read before reading them again. */
export const originVerifyRefreshMs = 5 * 60_000;

/**
 * The values CloudFront may put in x-origin-verify: locally the one given; in AWS the secret's
 * current and previous versions, read again every few minutes. During a rotation CloudFront's
 * edges switch from the old value to the new one over minutes, and warm functions would otherwise
 * keep only what they read at their cold start, so both are accepted. Empty where none is configured.
 */
export function originVerifySecretLoader(
  env: Env = process.env,
  client: Pick<SecretsManagerClient, 'send'> = new SecretsManagerClient({}),
  now: () => number = Date.now,
): () => Promise<Buffer[]> {
  const inlineName = environmentVariables.originVerifySecret;
  const arnName = environmentVariables.originVerifySecretArn;
  let loading: { readonly at: number; readonly values: Promise<Buffer[]> } | undefined;
  const read = async (): Promise<Buffer[]> => {
    const inline = env[inlineName];
    if (inline) return [secretBytes(inline, inlineName, 16)];
    const arn = env[arnName];
    if (!arn) return [];
    const current = await client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: 'AWSCURRENT' }));
    if (!current.SecretString) throw new Error(`The secret named by ${arnName} is empty`);
    const previous = await client
      .send(new GetSecretValueCommand({ SecretId: arn, VersionStage: 'AWSPREVIOUS' }))
      .catch((error: unknown) => {
        // A secret that was never rotated has no previous version.
        if ((error as Error).name === 'ResourceNotFoundException') return undefined;
        throw error;
      });
    return [current.SecretString, previous?.SecretString]
      .filter((value): value is string => Boolean(value))
      .map((value) => secretBytes(value, arnName, 16));
  };
  return () => {
    if (!loading || now() - loading.at >= originVerifyRefreshMs) {
      const values = read();
      const attempt = { at: now(), values };
      loading = attempt;
      values.catch(() => {
        if (loading === attempt) loading = undefined;
      });
    }
    return loading.values;
  };
}
