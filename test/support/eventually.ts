/**
 * Retries `assertion` until it stops throwing, every `intervalMs`, and fails
 * with its last error after `timeoutMs`. For state that changes on its own
 * (focus moving, a child process dying, a log entry arriving) when no event
 * can be awaited directly.
 *
 *   await eventually(async () => expect(await focusedName()).toBe('customerName'));
 *   await eventually(() => expect(events.length).toBeGreaterThanOrEqual(3), { timeoutMs: 5_000 });
 */
export async function eventually(assertion: () => unknown, options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<void> {
  const { timeoutMs = 5_000, intervalMs = 50 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** `eventually` for a yes/no condition: fails naming `what` when it still does not hold after `timeoutMs`. */
export function waitUntil(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000): Promise<void> {
  return eventually(
    async () => {
      if (!(await condition())) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    },
    { timeoutMs },
  );
}
