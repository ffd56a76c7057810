import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The price outbox (src/pricing/) is the only code that creates `price_change` rows or moves their status: a
 * second writer with its own guards is how a change came to be settled (and told to the seller) twice. This
 * reads every source file outside src/pricing/ and fails on anything that writes the table.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SRC = join(ROOT, 'src');
const OWNER = join(SRC, 'pricing');

/** Each rule: what it catches, and a pattern over a file's text (comments included: a write is a write). */
const RULES: { name: string; pattern: RegExp; applies?: (text: string) => boolean }[] = [
  {
    name: 'an ORM write of PriceChangeSchema',
    pattern:
      /\b(?:nativeUpdate|nativeDelete|insert|insertMany|upsert|upsertMany|create|createQueryBuilder|qb|persist)\s*\(\s*PriceChangeSchema\b/,
  },
  { name: 'raw SQL on price_change', pattern: /\b(?:update|insert\s+into|delete\s+from)\s+"?price_change"?\b/i },
  { name: 'the knex table price_change', pattern: /\(\s*['"`]price_change['"`]\s*\)/ },
  {
    // A loaded change written back by a flush: only files that deal with price changes are held to it, so a
    // preorder's or a store's own `status` stays theirs.
    name: 'an assignment to a price change’s status or settlement',
    pattern: /(?:\bchange|\bchanges\[[^\]]*\]|\.change)!?\s*\.\s*(?:status|sentAt|settledAt)\s*=(?!=)/,
    applies: (text) => /\bPriceChange\b|PriceChangeSchema/.test(text),
  },
  {
    name: 'assign() of a status onto a price change',
    pattern: /\bassign\s*\(\s*(?:change|plan\.change!?)\b[^)]*\bstatus\b/,
    applies: (text) => /\bPriceChange\b|PriceChangeSchema/.test(text),
  },
];

function violations(text: string): string[] {
  return RULES.filter((rule) => (rule.applies?.(text) ?? true) && rule.pattern.test(text)).map((rule) => rule.name);
}

async function sourceFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await sourceFiles(path)));
    else if (/\.(?:ts|mts|js|mjs)$/.test(entry.name)) files.push(path);
  }
  return files;
}

describe('price_change has one writer, src/pricing/', () => {
  it('no file outside src/pricing/ writes price_change rows or their status', async () => {
    const found: string[] = [];
    for (const file of await sourceFiles(SRC)) {
      if (file.startsWith(OWNER + '/')) continue;
      for (const rule of violations(await readFile(file, 'utf8'))) found.push(`${relative(ROOT, file)}: ${rule}`);
    }
    expect(found).toEqual([]);
  });

  it('the outbox itself is what the rules see as a writer (the check can fail)', async () => {
    const outbox = await readFile(join(OWNER, 'outbox.ts'), 'utf8');
    expect(violations(outbox)).toEqual(
      expect.arrayContaining(['an ORM write of PriceChangeSchema', 'the knex table price_change']),
    );
  });

  it('catches each way the old writers moved a change, and leaves reads and other tables alone', () => {
    const bad = [
      `await em.nativeUpdate(\n  PriceChangeSchema,\n  { id: change.id, status: 'sent' },\n  { status },\n);`,
      `em.create(PriceChangeSchema, { status: 'planned' });`,
      `await em.insertMany(PriceChangeSchema, rows);`,
      `import type { PriceChange } from 'x';\nchange.status = 'sent';`,
      `import type { PriceChange } from 'x';\nplan.change!.settledAt = new Date();`,
      `import type { PriceChange } from 'x';\nchanges[0]!.status = 'failed';`,
      `await connection.execute('update price_change set status = ? where id = ?', []);`,
      `await em.getKnex()('price_change').where({ id }).update({ status: 'failed' });`,
      `import type { PriceChange } from 'x';\nem.assign(change, { status: 'applied' });`,
    ];
    for (const snippet of bad) expect(violations(snippet), snippet).not.toEqual([]);
    const good = [
      `const rows = await em.find(PriceChangeSchema, { status: 'sent' });`,
      `if (change.status === 'sent') return;`,
      `Object.assign(entry.preorder, { status: 'uploaded' });`,
      `preorder.status = 'planned';`,
      `await em.nativeUpdate(StoreSchema, { id }, { demperEnabled: false });`,
    ];
    for (const snippet of good) expect(violations(snippet), snippet).toEqual([]);
  });
});
