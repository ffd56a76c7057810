import { keyboardOverflows, repeatedRows } from '../../src/bot/replies/keyboard-budget.js';
import type { RecordedCall } from '../../src/telegram-sandbox/fake-telegram.js';

/** The markup a Bot API call carries (multipart requests send it as JSON text). */
function markupOf(call: RecordedCall): unknown {
  const markup = call.payload.reply_markup;
  if (typeof markup !== 'string') return markup;
  try {
    return JSON.parse(markup) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * What is wrong with the keyboards the bot sent in `calls`: a label a 390 px phone cuts (the per-row budget of
 * src/bot/replies/keyboard-budget.ts), or two rows of one keyboard that read the same. One line per problem.
 */
export function keyboardProblems(calls: readonly RecordedCall[]): string[] {
  const problems: string[] = [];
  for (const call of calls) {
    const markup = markupOf(call);
    if (!markup) continue;
    for (const overflow of keyboardOverflows(markup))
      problems.push(
        `${call.method}: «${overflow.label}» is ${overflow.width} wide, a phone shows ${overflow.budget} ` +
          `with ${overflow.rowSize} in a row`,
      );
    for (const label of repeatedRows(markup)) problems.push(`${call.method}: two rows read «${label}»`);
  }
  return [...new Set(problems)];
}

/** How far each call log has been checked, so each step reports only the keyboards it sent. */
const checkedUpTo = new WeakMap<readonly RecordedCall[], number>();

/** Throws, naming every offending label, when a keyboard sent since the last check would not fit a phone. */
export function assertKeyboardsFit(calls: readonly RecordedCall[]): void {
  const from = checkedUpTo.get(calls) ?? 0;
  checkedUpTo.set(calls, calls.length);
  const problems = keyboardProblems(calls.slice(from));
  if (problems.length) throw new Error(`keyboards that do not fit a 390 px phone:\n  ${problems.join('\n  ')}`);
}
