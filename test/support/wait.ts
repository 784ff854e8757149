/**
 * Resolves once `condition` returns a value other than undefined/false,
 * checking after every `check()` call and on a short interval; rejects with
 * `describe()` after timeoutMs. For conditions no event announces.
 */
export async function waitUntil<T>(condition: () => T | undefined | false | Promise<T | undefined | false>, options: { timeoutMs?: number; describe?: () => string } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    const value = await condition();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met in time${options.describe ? `: ${options.describe()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
