import { KNOWN_REFUSALS } from '../../kaspi/refusals.js';
import type { BotContext } from '../context.js';
import { html, truncate } from './format.js';

/** Kaspi's refusal codes in the seller's words; a code we have no words for is shown as Kaspi wrote it. */
export function refusalText(ctx: Pick<BotContext, 't'>, codes: string[]): string {
  return codes
    .map((code) =>
      (KNOWN_REFUSALS as readonly string[]).includes(code)
        ? ctx.t(`kaspi-refusal-${code.toLowerCase().replace(/_/g, '-')}`)
        : html(code),
    )
    .join('; ');
}

/** Offers Kaspi's validation refused to put on sale, each with Kaspi's reasons in the seller's words. */
export function refusedLines(
  ctx: Pick<BotContext, 't'>,
  skipped: { product: { title: string }; why: string }[],
): string[] {
  return skipped
    .filter((entry) => entry.why.startsWith('refused:'))
    .slice(0, 10)
    .map((entry) =>
      ctx.t('availability-refused-line', {
        title: html(truncate(entry.product.title, 60)),
        reasons: refusalText(ctx, entry.why.slice('refused:'.length).split(',')),
      }),
    );
}
