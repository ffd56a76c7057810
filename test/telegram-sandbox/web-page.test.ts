import { describe, expect, it } from 'vitest';

import { TOKEN, withFake } from './support.js';

describe('fake Telegram Bot API: the web chat page and its assets', () => {
  it('serves the page with a fresh nonce on its stylesheets and module script, and only the page’s own files', async () => {
    await withFake(
      async (fake) => {
        const page = await fetch(`${fake.apiRoot}/`);
        const nonce = /script-src 'nonce-([^']+)'/.exec(page.headers.get('content-security-policy') ?? '')?.[1];
        expect(nonce).toBeTruthy();
        const html = await page.text();
        expect(html).toContain(`<script type="module" nonce="${nonce}" src="/sandbox-page/main.js"></script>`);
        expect(html).toContain(`<link rel="stylesheet" nonce="${nonce}" href="/sandbox-page/layout.css" />`);
        expect(html).not.toContain('__NONCE__');

        const script = await fetch(`${fake.apiRoot}/sandbox-page/main.js`);
        expect(script.status).toBe(200);
        expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
        expect(await script.text()).toContain("from './core.js'");
        const style = await fetch(`${fake.apiRoot}/sandbox-page/controls.css`);
        expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');

        for (const path of ['nope.js', 'index.html', '..%2Fchat-page.ts', 'core.js.map'])
          expect((await fetch(`${fake.apiRoot}/sandbox-page/${path}`)).status, path).toBe(404);
        expect((await fetch(`${fake.apiRoot}/sandbox-page/main.js`, { method: 'POST' })).status).toBe(405);
        // The Bot API beside it is untouched.
        expect((await fetch(`${fake.apiRoot}/bot${TOKEN}/getMe`)).status).toBe(200);
      },
      { webChat: true },
    );
  });
});
