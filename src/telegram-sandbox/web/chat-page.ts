import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';

/** Where the page's stylesheets and script modules are served from (the files of ./page/ but index.html). */
export const PAGE_ASSETS_PREFIX = '/sandbox-page/';

const ASSET_NAME = /^[a-z][a-z0-9-]*\.(css|js)$/;
const ASSET_TYPES: Record<string, string> = {
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
};

/**
 * The chat page: index.html, and the stylesheets and ES modules it loads. Only they run on it: the CSP allows
 * the nonce, fresh on every load, that index.html puts on them (module imports inherit it).
 */
export class ChatPage {
  private readonly files = new Map<string, string>();

  serve(response: ServerResponse): void {
    // A fresh nonce per load: only the page's own script and style run, whatever a message might smuggle in.
    const nonce = randomBytes(16).toString('base64');
    const html = this.read('index.html').replaceAll('__NONCE__', nonce);
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

  /** A stylesheet or script of the page by file name; false when there is none of that name. */
  serveAsset(response: ServerResponse, name: string): boolean {
    const type = ASSET_NAME.exec(name)?.[1];
    if (!type) return false;
    let text: string;
    try {
      text = this.read(name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
    response.writeHead(200, {
      'content-type': ASSET_TYPES[type] ?? 'application/octet-stream',
      'content-length': Buffer.byteLength(text),
      // Never cached, as the page is not: a restarted sandbox serves its current code.
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    response.end(text);
    return true;
  }

  /** Read on first use, so the Bot API emulator alone (tests) never touches the page files. */
  private read(name: string): string {
    let text = this.files.get(name);
    if (text === undefined) {
      text = readFileSync(new URL(`./page/${name}`, import.meta.url), 'utf8');
      this.files.set(name, text);
    }
    return text;
  }
}
