// Keeping the newest message in view, as Telegram does: a chat read at its bottom stays at its bottom when
// anything below or inside it changes size (a reply keyboard appears, an inline keyboard is added, a message is
// edited to a longer text, a photo loads); a seller who scrolled up to read is never moved.
/* global ResizeObserver -- the page runs in a browser */

import { ui } from './core.js';

/** How close to the end still counts as «at the bottom» (a fraction of a line, as a finger leaves it). */
const SLACK_PX = 24;

let atBottom = true;

function distanceFromBottom() {
  const scroller = ui.scroller;
  return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
}

/** Whether the seller was reading the newest message before the change now being applied. */
export function wasAtBottom() {
  return atBottom;
}

export function scrollToBottom() {
  ui.scroller.scrollTop = ui.scroller.scrollHeight;
  atBottom = true;
}

/**
 * Only the seller's own scrolling decides whether the chat follows: a resize may move the scroll position
 * (the list grows, the viewport shrinks) and must not count as the seller leaving the bottom.
 */
export function followNewest() {
  let resizing = false;
  ui.scroller.addEventListener(
    'scroll',
    () => {
      if (!resizing) atBottom = distanceFromBottom() < SLACK_PX;
    },
    { passive: true },
  );
  const observer = new ResizeObserver(() => {
    if (!atBottom) return;
    resizing = true;
    scrollToBottom();
    // The scroll event of this jump arrives after this callback; it is ours, not the seller's.
    setTimeout(() => {
      resizing = false;
    }, 0);
  });
  observer.observe(ui.scroller);
  observer.observe(ui.list);
}
