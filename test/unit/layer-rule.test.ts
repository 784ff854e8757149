import { describe, expect, it } from '@jest/globals';
import { ESLint } from 'eslint';
import path from 'node:path';
import tseslint from 'typescript-eslint';
import { layersPlugin, layerViolation, repositoryRoot } from '../../eslint/layers.js';

/** ESLint with only the layer rule, on sources that exist in memory under a path of the repository. */
function linter(): ESLint {
  return new ESLint({
    cwd: repositoryRoot,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser },
        plugins: { layers: layersPlugin },
        rules: { 'layers/no-upward-import': 'error' },
      },
    ],
  });
}

async function problemsOf(filePath: string, source: string): Promise<string[]> {
  const [result] = await linter().lintText(source, { filePath: path.join(repositoryRoot, filePath) });
  return result!.messages.map((message) => `${message.ruleId}: ${message.message}`);
}

describe('the layer rule', () => {
  it('fails storage importing the domain, the domain importing a handler, and a handler-free client importing the domain', async () => {
    expect(await problemsOf('lambdas/storage/fixture.ts', "import type { SessionItem } from '#domain/session-rules';\n")).toEqual([
      expect.stringMatching(/^layers\/no-upward-import: .*storage may import only contracts; "#domain\/session-rules" is domain/),
    ]);
    expect(
      await problemsOf('lambdas/domain/fixture.ts', "import { handler } from '../http/start-session.ts';\nexport { handler };\n"),
    ).toEqual([expect.stringContaining('"../http/start-session.ts" is handlers')]);
    expect(await problemsOf('web/pin/fixture.ts', "export * from '../../lambdas/domain/sessions.ts';\n")).toEqual([
      expect.stringContaining('web may import only contracts'),
    ]);
    expect(await problemsOf('lambdas/domain/fixture.ts', "const late = await import('#shared/http');\nexport { late };\n")).toHaveLength(1);
  });

  it('lets downward imports, imports within a layer, packages and the tools (tests, scripts) pass', async () => {
    expect(
      await problemsOf(
        'lambdas/domain/fixture.ts',
        "import { keys } from '#storage/keys';\nimport { addSeconds } from './clock.ts';\nimport { z } from 'zod';\nexport { keys, addSeconds, z };\n",
      ),
    ).toEqual([]);
    expect(
      await problemsOf('lambdas/http/fixture.ts', "import { startSession } from '#domain/sessions';\nexport { startSession };\n"),
    ).toEqual([]);
    expect(
      await problemsOf(
        'test/unit/fixture.ts',
        "import { keys } from '#storage/keys';\nimport { handler } from '#http/start-session';\nexport { keys, handler };\n",
      ),
    ).toEqual([]);
  });

  it('keeps the contracts free of everything but zod', async () => {
    expect(await problemsOf('contracts/fixture.ts', "import { z } from 'zod';\nexport const id = z.string();\n")).toEqual([]);
    expect(
      await problemsOf('contracts/fixture.ts', "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport { DynamoDBClient };\n"),
    ).toEqual([expect.stringContaining('contracts import nothing but zod')]);
    expect(
      await problemsOf(
        'contracts/fixture.ts',
        "import type { SessionView } from '../lambdas/domain/session-model.ts';\nexport type { SessionView };\n",
      ),
    ).toHaveLength(1);
  });

  it('refuses the domain importing the applet (the download naming lives in contracts), exceptions or not', () => {
    const domainToApplet = [path.join(repositoryRoot, 'lambdas/domain/pin-redemption.ts'), '../../applet/server-config.ts'] as const;
    const refusal = 'domain may import only storage, contracts; "../../applet/server-config.ts" is applet';
    expect(layerViolation(...domainToApplet, { withExceptions: false })).toBe(refusal);
    expect(layerViolation(...domainToApplet)).toBe(refusal);
  });

  it("passes today's remaining upward imports only as listed exceptions", () => {
    const runtimeToConfig = [path.join(repositoryRoot, 'local/runtime.ts'), '../lambdas/domain/config.ts'] as const;
    expect(layerViolation(...runtimeToConfig, { withExceptions: false })).toMatch(/"\.\.\/lambdas\/domain\/config\.ts" is domain/);
    expect(layerViolation(...runtimeToConfig)).toBeUndefined();
  });

  it('is switched on for every source of the repository by eslint.config.js (so `npm run lint` runs it)', async () => {
    const eslint = new ESLint({ cwd: repositoryRoot });
    for (const file of ['lambdas/domain/pin-redemption.ts', 'lambdas/storage/store.ts', 'web/console/src/app.ts', 'local/runtime.ts']) {
      const config = (await eslint.calculateConfigForFile(path.join(repositoryRoot, file))) as { rules: Record<string, unknown> };
      expect([file, config.rules['layers/no-upward-import']]).toEqual([file, [2]]);
    }
  }, 30_000);
});
