import { runAdmin } from '../../admin/main.ts';
import type { TestTable } from './dynamodb.ts';

/** Runs the admin CLI in-process against a test table, as `npm run admin -- ... --target local` would. */
export function adminCli(table: () => TestTable) {
  return async (...argv: string[]): Promise<{ code: number; out: string; err: string }> => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runAdmin([...argv, '--target', 'local', '--endpoint', table().endpoint, '--table', table().name], {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
}
