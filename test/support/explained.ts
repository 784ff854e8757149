/**
 * Runs assertions and, when one fails, puts `context` on top of its message:
 * Jest's `expect` takes no message, and a fuzz failure is useless without the
 * request that caused it. Works for synchronous and awaited assertions.
 *
 *   explained(`${response.status} <- ${request}`, () => expect(response.status).toBeLessThan(500));
 *   await explained(request, () => expect(promise).resolves.toBe(1));
 */
export function explained<T>(context: string, assertions: () => T): T {
  const addContext = (error: unknown): never => {
    if (error instanceof Error) error.message = `${context}\n\n${error.message}`;
    throw error;
  };
  try {
    const result = assertions();
    if (result instanceof Promise) return result.catch(addContext) as T;
    return result;
  } catch (error) {
    return addContext(error);
  }
}
