import { Composer, InputFile } from 'grammy';

import { buildProductsWorkbook } from '../../excel/products-workbook.js';
import type { BotContext } from '../context.js';
import type { BotDeps } from '../deps.js';
import { localDate } from '../replies/format.js';
import { activeStore } from '../guards/ownership.js';
import { EXCEL_IMPORT } from '../../../conversations/names.js';
import { replyNoStore } from '../replies/no-store.js';

/** The export's rate limit and the store's products to write into the workbook. */
type ExcelFeatureDeps = Pick<BotDeps, 'limiter' | 'products'>;

/** `/export` and `/import`: the store's products as a workbook, and the edited workbook back (also sent without a command). */
export function createExcelFeature(deps: ExcelFeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('export', async (ctx) => {
    const store = await activeStore(ctx);
    if (!store) return replyNoStore(ctx);
    const wait = await deps.limiter.take(ctx.seller.id, 'export');
    if (wait > 0) return void (await ctx.reply(ctx.t('slow-down', { seconds: Math.ceil(wait / 1000) })));
    await ctx.replyWithChatAction('upload_document').catch(() => undefined);
    const products = await deps.products.liveProductsOf(store.id);
    const workbook = await buildProductsWorkbook(ctx.t.bind(ctx), store.merchantUid, store.points, products);
    const date = localDate(ctx.seller.timezone);
    await ctx.replyWithDocument(new InputFile(workbook, `products-${store.merchantUid}-${date}.xlsx`), {
      caption: ctx.t('export-caption', { count: products.length }),
    });
  });

  feature.command('import', (ctx) => ctx.conversation.enter(EXCEL_IMPORT, null));

  feature.on('message:document', async (ctx) => {
    const document = ctx.message.document;
    await ctx.conversation.enter(EXCEL_IMPORT, {
      fileId: document.file_id,
      fileName: document.file_name ?? '',
      fileSize: document.file_size ?? 0,
    });
  });
  return feature;
}
