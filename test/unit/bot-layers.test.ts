import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LAYER_RULES = ['@typescript-eslint/no-restricted-imports', 'no-restricted-syntax'];

// The project's own ESLint configuration; the cycle check is left out (slow, and not what is tested here).
const eslint = new ESLint({ cwd: ROOT, overrideConfig: { rules: { 'import-x/no-cycle': 'off' } } });

/** The layer rules a piece of code at `filePath` breaks. */
async function broken(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${filePath}` });
  return result!.messages.map((message) => message.ruleId ?? '').filter((rule) => LAYER_RULES.includes(rule));
}

describe('bot features and conversations sit on domain services, not on the ORM', () => {
  it('refuses the entity schemas and MikroORM in a feature, a helper and a conversation', async () => {
    expect(
      await broken(
        'src/bot/features/example.ts',
        "import { ProductSchema } from '../../db/entities/index.js';\nexport const schema = ProductSchema;\n",
      ),
    ).toEqual(['@typescript-eslint/no-restricted-imports']);
    expect(
      await broken(
        'src/bot/helpers/example.ts',
        "import { StoreSchema } from '../../db/entities/store.js';\nexport const schema = StoreSchema;\n",
      ),
    ).toEqual(['@typescript-eslint/no-restricted-imports']);
    expect(
      await broken(
        'conversations/example.ts',
        "import { RequestContext } from '@mikro-orm/core';\nexport const context = RequestContext;\n",
      ),
    ).toEqual(['@typescript-eslint/no-restricted-imports']);
    expect(
      await broken(
        'conversations/example.ts',
        "import type { FilterQuery } from '@mikro-orm/core';\nexport type F = FilterQuery<object>;\n",
      ),
    ).toEqual(['@typescript-eslint/no-restricted-imports']);
    expect(
      await broken('conversations/example.ts', "export const load = () => import('../src/db/entities/index.js');\n"),
    ).toEqual(['no-restricted-syntax']);
  });

  it('allows the entity types, and the ORM where the bot meets the database itself', async () => {
    expect(
      await broken(
        'src/bot/features/example.ts',
        "import type { Product } from '../../db/entities/index.js';\nexport type P = Product;\n",
      ),
    ).toEqual([]);
    expect(
      await broken(
        'src/bot/storage/example.ts',
        "import type { MikroORM } from '@mikro-orm/postgresql';\nexport type O = MikroORM;\n",
      ),
    ).toEqual([]);
    expect(
      await broken(
        'src/bot/storage/example.ts',
        "import { KvEntrySchema } from '../../db/entities/index.js';\nexport const schema = KvEntrySchema;\n",
      ),
    ).toEqual(['@typescript-eslint/no-restricted-imports']);
    // The domain services themselves are where the ORM belongs.
    expect(
      await broken(
        'src/sellers/example.ts',
        "import { SellerSchema } from '../db/entities/index.js';\nexport const schema = SellerSchema;\n",
      ),
    ).toEqual([]);
  });

  it('refuses a feature reaching for the whole deps bag, and a repeated HTML parse mode anywhere but the API stack', async () => {
    const feature = 'src/bot/features/example.ts';
    expect(await broken(feature, 'export const f = (ctx: { deps: unknown }) => ctx.deps;\n')).toEqual([
      'no-restricted-syntax',
    ]);
    expect(await broken(feature, 'export const f = ({ deps }: { deps: unknown }) => deps;\n')).toEqual([
      'no-restricted-syntax',
    ]);
    // Outside the features (a flow shared with conversations) the bag is still allowed.
    expect(
      await broken('src/bot/flows/example.ts', 'export const f = (ctx: { deps: unknown }) => ctx.deps;\n'),
    ).toEqual([]);
    expect(await broken('src/bot/flows/example.ts', "export const options = { parse_mode: 'HTML' };\n")).toEqual([
      'no-restricted-syntax',
    ]);
    expect(
      await broken('src/follow-ups/example.ts', "export const options = { parse_mode: 'HTML' as const };\n"),
    ).toEqual(['no-restricted-syntax']);
  });

  it('holds for the bot and the conversations as they are', async () => {
    const results = await eslint.lintFiles(['src/bot', 'conversations']);
    const offending = results.flatMap((result) =>
      result.messages
        .filter((message) => LAYER_RULES.includes(message.ruleId ?? ''))
        .map((message) => `${result.filePath.slice(ROOT.length)}:${message.line} ${message.message}`),
    );
    expect(offending).toEqual([]);
  });
});
