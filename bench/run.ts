/**
 * `npm run bench [-- --quick]`: round trips, handler time against a same-run baseline, cold starts and cost; see docs/performance.md.
 * Handler modules read LOG_LEVEL at import, so it is set before anything is imported.
 */
process.env.LOG_LEVEL ??= 'ERROR';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { main } = await import('./main.ts');
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // A bad option or a missing prerequisite (Java, Chromium): one line, not a stack.
  console.error(`bench: ${(error as Error).message}`);
  if (process.env.BENCH_DEBUG) console.error(error);
  process.exitCode = 2;
}

export {};
