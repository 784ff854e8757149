/**
 * `npm run bench [-- --quick]`: the benchmarks of issue 7, see docs/performance.md.
 * Handler modules read LOG_LEVEL at import, so it is set before anything is imported.
 */
process.env.LOG_LEVEL ??= 'ERROR';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));

export {};
