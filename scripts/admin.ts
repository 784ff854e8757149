/**
 * `npm run admin -- <command>`: manage technicians and group permissions in the
 * local runtime or a deployed stack. `npm run admin -- --help` lists the commands.
 */
import { runAdmin } from '../admin/main.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

process.exitCode = await runAdmin(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});
