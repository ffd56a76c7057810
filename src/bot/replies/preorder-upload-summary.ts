import { html, truncate } from './format.js';
import type { UploadOutcome } from '../../preorders/records.js';

type Translate = (key: string, variables?: Record<string, string | number>) => string;

const FILE_STATUSES: Record<string, string> = {
  PROCESSING: 'preorder-file-processing',
  FLUSHED: 'preorder-file-flushed',
  ERROR: 'preorder-file-error',
  FAILED: 'preorder-file-error',
  UNFINISHED: 'preorder-file-unfinished',
};

/** Kaspi's status of an uploaded file in the seller's words; a status Kaspi adds later is shown as Kaspi says it. */
export function fileStatusText(t: Translate, status: string): string {
  const key = FILE_STATUSES[status.toUpperCase()];
  return key ? t(key) : html(status.slice(0, 40).toLowerCase());
}

/** One line per plan (the first 20): sent, deferred or not, and why when the seller can act on it. */
function outcomeLines(t: Translate, outcomes: UploadOutcome[]): string[] {
  return outcomes
    .slice(0, 20)
    .map(
      (outcome) =>
        `${outcome.result === 'sent' || outcome.result === 'unchanged' ? '✅' : outcome.result === 'deferred' ? '⏳' : '⚠️'} ${html(truncate(outcome.title, 50))}: ${t(`preorder-outcome-${outcome.result}`)}${outcome.why === 'mixed-days' || outcome.why === 'city-prices' || outcome.why === 'stock-unknown' ? ` — ${t(`preorder-outcome-${outcome.why}`)}` : ''}`,
    );
}

/** «Отправлено в Kaspi: N из M» and a line per plan: what an upload (by the buttons or a file's follow-up) tells. */
export function uploadSummaryText(t: Translate, outcomes: UploadOutcome[]): string {
  return [
    t('preorder-upload-done', {
      sent: outcomes.filter((outcome) => outcome.result === 'sent').length,
      total: outcomes.length,
    }),
    ...outcomeLines(t, outcomes),
  ].join('\n');
}
