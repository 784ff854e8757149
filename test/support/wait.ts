/**
 * Resolves once `condition` holds, checking again after each `intervalMs`; rejects with
 * `description` after `timeoutMs`. For state another process changes by itself (a handler
 * running after a socket closed), where no event can be awaited.
 */
export async function waitUntil(description: string, condition: () => boolean | Promise<boolean>, timeoutMs = 15_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${description}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
