import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';

/** The chat page itself: one HTML file, its inline script and style allowed by a nonce fresh on every load. */
export class ChatPage {
  private template: string | undefined;

  serve(response: ServerResponse): void {
    // A fresh nonce per load: only the page's own script and style run, whatever a message might smuggle in.
    const nonce = randomBytes(16).toString('base64');
    const html = this.html().replaceAll('__NONCE__', nonce);
    response.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': Buffer.byteLength(html),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    });
    response.end(html);
  }

  /** Read on first use, so the Bot API emulator alone (tests) never touches the page file. */
  private html(): string {
    this.template ??= readFileSync(new URL('./page.html', import.meta.url), 'utf8');
    return this.template;
  }
}
