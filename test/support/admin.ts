import { afterAll, beforeAll } from '@jest/globals';
import { runAdmin } from '../../admin/main.ts';
import { createTestTable, type TestTable } from './dynamodb.ts';

export type AdminCli = (...argv: string[]) => Promise<{ code: number; out: string; err: string }>;

/** Runs the admin CLI in-process against a test table, as `npm run admin -- ... --target local` would. */
export function adminCli(table: () => TestTable): AdminCli {
  return async (...argv) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runAdmin([...argv, '--target', 'local', '--endpoint', table().endpoint, '--table', table().name], {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
}

/**
 * For a test file about the admin CLI: a fresh table of its own, created before its tests and
 * dropped after them, and the CLI pointed at it. Call at the file's top level.
 */
export function adminWithTestTable(): { readonly admin: AdminCli; readonly table: () => TestTable } {
  let table: TestTable | undefined;
  beforeAll(async () => {
    table = await createTestTable();
  });
  afterAll(async () => {
    await table?.drop();
  });
  const current = () => {
    if (!table) throw new Error('the test table exists only while the tests run');
    return table;
  };
  return { admin: adminCli(current), table: current };
}
