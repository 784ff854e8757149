// One handler's sandbox: a worker thread with its own module graph and its own
// process.env (exactly what the stack gives that function), like one Lambda
// function. Plain JavaScript because it registers the TypeScript loader first.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { lambdaContext, lazyEntryHandler } = await import('./lambda-invoker.ts');
const handler = lazyEntryHandler(workerData.root, workerData.entry);

function describeError(error) {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'Error', message: String(error) };
}

parentPort.on('message', async ({ id, event, timeoutMs }) => {
  try {
    const result = await handler(event, lambdaContext(workerData.name, timeoutMs));
    parentPort.postMessage({ id, ok: true, result });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, error: describeError(error) });
  }
});
