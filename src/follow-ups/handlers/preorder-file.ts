import type { FollowUpKind } from '../../db/entities/index.js';
import { uploadSummaryText } from '../../bot/replies/preorder-upload-summary.js';
import type { FollowUpHandler, PreorderFilePayload } from '../types.js';
import { translator } from '../types.js';

/** The kind, for the bot to schedule by name (a bare string there would read like a locale key). */
export const PREORDER_FILE_FOLLOW_UP = 'preorder-file' satisfies FollowUpKind;

/**
 * A preorder price-list file Kaspi took (by «📄 Загрузить файлом»): its status is read (`PreorderService.settleFile`)
 * until Kaspi has processed it; past the window its plans are given up on (`TIMEOUT`). Then the upload's status
 * message becomes its outcome, as the upload tells it by the buttons, and a processed file's plans are read back
 * by the store's `preorders` follow-up (recorded before the outcome, so no crash loses it; recording it twice
 * joins the one open read-back).
 */
export const preorderFileFollowUp: FollowUpHandler<PreorderFilePayload> = async (run, services) => {
  const { storeId, fileId, chatId, locale, statusMessageId, notInFile = [] } = run.payload;
  const settled = await services.preorders.settleFile(storeId, fileId, Date.now() >= run.deadline.getTime());
  if (!settled.done) return { tell: [], done: false };
  if (settled.status === 'FLUSHED' && settled.outcomes.length > 0)
    await services.followUps.schedule('preorders', { storeId, chatId, locale });
  const t = translator(services.i18n, locale);
  return {
    done: true,
    tell: [
      {
        chatId,
        ...(statusMessageId === undefined ? {} : { editMessageId: statusMessageId }),
        text: uploadSummaryText(t, [...notInFile, ...settled.outcomes]),
      },
    ],
  };
};
