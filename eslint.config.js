// Lint for the whole tree, run by `npm test` (so CI enforces it): typescript-eslint's recommended rules and
// no import cycles — a cycle is how a "thin" layer quietly starts depending on the layer above it.
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Entity schemas are the ORM's runtime values; their types (`import type { Product }`) are only shapes. */
const ENTITY_SCHEMAS = {
  group: ['**/db/entities', '**/db/entities/*'],
  allowTypeImports: true,
  message:
    'The bot reads and writes through the domain services in BotDeps (src/sellers, src/catalog), never entity schemas.',
};
const ORM = {
  group: ['@mikro-orm/*'],
  message: 'Bot features and conversations call domain services (BotDeps), never the ORM.',
};
const DYNAMIC_ORM_IMPORT = {
  selector: 'ImportExpression[source.value=/db\\/entities|@mikro-orm/]',
  message: ORM.message,
};
/**
 * HTML is the one parse mode, and src/bot/telegram-api.ts sets it on every text and caption that names none (and
 * escapes a stray `<`, `>` or `&` there); a `parse_mode: 'HTML'` at a call site repeats it and skips that escaping.
 */
const HTML_PARSE_MODE = {
  selector: [
    "Property[key.name='parse_mode'][value.value='HTML']",
    "Property[key.value='parse_mode'][value.value='HTML']",
    "Property[key.name='parse_mode'][value.expression.value='HTML']",
    "Property[key.value='parse_mode'][value.expression.value='HTML']",
  ].join(', '),
  message: "HTML is the default parse mode (src/bot/telegram-api.ts): leave `parse_mode: 'HTML'` out.",
};
/**
 * A feature is built with the services it uses (`createXFeature(deps: Pick<BotDeps, …>)`, src/bot/index.ts picks
 * them): reading the whole bag off the context (`ctx.deps`, `{ deps } = ctx`) would hide what it depends on.
 */
const CONTEXT_DEPS = {
  selector: [
    "MemberExpression[property.name='deps']",
    "MemberExpression[property.value='deps']",
    "ObjectPattern > Property[key.name='deps']",
  ].join(', '),
  message: 'A feature uses the services its factory was given (its `deps`), never `ctx.deps`.',
};
/** The one place that may name it: the transformer that makes HTML the default. */
const TELEGRAM_API = 'src/bot/telegram-api.ts';
/** Where the bot meets the database itself: the unit of work per update, the grammY storage adapter, BotDeps. */
const BOT_INFRASTRUCTURE = ['src/bot/deps.ts', 'src/bot/middlewares/unit-of-work.ts', 'src/bot/storage/**/*.ts'];

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', 'coverage/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly' } },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    // The bench's baseline is a bare grammY bot, without this stack: it names its parse mode itself.
    ignores: [TELEGRAM_API, 'test/**', 'bench/**'],
    rules: { 'no-restricted-syntax': ['error', HTML_PARSE_MODE] },
  },
  // Layers that show: the chat layer (features, their helpers, conversations) sits on domain services.
  {
    files: ['src/bot/**/*.ts', 'conversations/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [ENTITY_SCHEMAS, ORM] }],
      // `await import(...)` would slip past the rule above.
      'no-restricted-syntax': ['error', DYNAMIC_ORM_IMPORT, HTML_PARSE_MODE],
    },
  },
  {
    files: ['src/bot/features/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', DYNAMIC_ORM_IMPORT, HTML_PARSE_MODE, CONTEXT_DEPS] },
  },
  { files: [TELEGRAM_API], rules: { 'no-restricted-syntax': ['error', DYNAMIC_ORM_IMPORT] } },
  {
    files: BOT_INFRASTRUCTURE,
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [ENTITY_SCHEMAS] }] },
  },
);
