import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A reverse proxy in front of the sandbox cabinet that can misbehave on one chosen request with a precision
 * the sandbox's own fault counters cannot give: they hit "the next N requests", whatever those are, while a
 * fault in the middle of a batch write needs that one write. Everything not matched by a rule passes through.
 *
 * Actions, each for one matching request:
 * - `fail-502`      answer 502 without forwarding (Kaspi never saw it);
 * - `reset-before`  drop the connection without forwarding;
 * - `reset-after`   forward, let Kaspi answer, then drop the connection (Kaspi took it, we never hear so);
 * - `stall-after`   forward, then hold Kaspi's answer for `ms` (the client times out; Kaspi took it);
 * - `hold-before`   keep the request until `release()` (or for `ms`); never forwarded if the client is gone by then;
 * - `hold-after`    forward, keep Kaspi's answer until `release()`;
 * - `hook-before` / `hook-after`  run `hook` before forwarding / after Kaspi answered, then carry on;
 * - `rewrite-after` forward, then pass Kaspi's JSON answer through `rewrite` (schema drift the sandbox has no
 *                   switch for on the cabinet).
 *
 * The actions that lose an answer Kaspi gave (`reset-after`, `stall-after`, `hold-after`) let an answer that
 * rotates the session cookie through untouched and wait for the next matching request: Kaspi retires the old
 * cookie shortly after a rotation, so a lost rotation costs the store its session whatever the client does.
 * That risk is reported on its own instead of turning up at random in every fault that loses an answer.
 */
type InterposerAction =
  | 'fail-502'
  | 'reset-before'
  | 'reset-after'
  | 'stall-after'
  | 'hold-before'
  | 'hold-after'
  | 'hook-before'
  | 'hook-after'
  | 'rewrite-after';

interface InterposerRule {
  method: string;
  path: RegExp;
  action: InterposerAction;
  ms?: number;
  hook?: (request: { method: string; path: string; body: Buffer }) => Promise<void> | void;
  rewrite?: (json: unknown) => unknown;
  /** Only requests whose body contains this text (e.g. a merchant uid). */
  bodyIncludes?: string;
  /** Requests the rule still applies to (default 1). */
  times?: number;
}

export interface Interposer {
  url: string;
  /** Adds a rule; `arrived` resolves when the action is first applied to a request. */
  add(rule: InterposerRule): { arrived: Promise<void>; release(): void };
  /** How many requests each action was applied to so far. */
  applied(): Record<InterposerAction, number>;
  clear(): void;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

interface LiveRule extends InterposerRule {
  left: number;
  applied: () => void;
  released: Promise<void>;
}

const LOSES_ANSWER: InterposerAction[] = ['reset-after', 'stall-after', 'hold-after'];

export async function startInterposer(upstreamUrl: string): Promise<Interposer> {
  const upstream = new URL(upstreamUrl);
  const rules: LiveRule[] = [];
  const counts: Record<InterposerAction, number> = {
    'fail-502': 0,
    'reset-before': 0,
    'reset-after': 0,
    'stall-after': 0,
    'hold-before': 0,
    'hold-after': 0,
    'hook-before': 0,
    'hook-after': 0,
    'rewrite-after': 0,
  };

  const forward = (incoming: IncomingMessage, body: Buffer) =>
    new Promise<Answer>((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: incoming.url,
          method: incoming.method,
          headers: { ...incoming.headers, host: upstream.host, 'content-length': String(body.length) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }),
          );
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });

  const reply = (response: ServerResponse, answer: Answer) => {
    if (response.destroyed) return;
    const headers = { ...answer.headers };
    delete headers['transfer-encoding'];
    headers['content-length'] = String(answer.body.length);
    response.writeHead(answer.status, headers);
    response.end(answer.body);
  };

  const rotates = (answer: Answer) =>
    (answer.headers['set-cookie'] ?? []).some((cookie) => cookie.startsWith('mc-session='));

  const apply = async (
    rule: LiveRule,
    incoming: IncomingMessage,
    response: ServerResponse,
    body: Buffer,
    path: string,
  ): Promise<void> => {
    const count = () => {
      counts[rule.action]++;
      rule.applied();
    };
    if (LOSES_ANSWER.includes(rule.action)) {
      let answer: Answer;
      try {
        answer = await forward(incoming, body);
      } catch (error) {
        // Kaspi's side failed first (e.g. a sandbox fault on the same request): this rule's fault did not happen.
        rule.left++;
        throw error;
      }
      if (rotates(answer)) {
        rule.left++; // spared: the next matching request gets the fault
        return reply(response, answer);
      }
      count();
      if (rule.action === 'reset-after') return void response.socket?.destroy();
      if (rule.action === 'stall-after') await new Promise((resolve) => setTimeout(resolve, rule.ms ?? 5_000));
      else await rule.released;
      return reply(response, answer);
    }
    count();
    switch (rule.action) {
      case 'fail-502':
        response.writeHead(502, { 'content-type': 'text/html' });
        response.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
        return;
      case 'reset-before':
        response.socket?.destroy();
        return;
      case 'hold-before':
        await (rule.ms === undefined
          ? rule.released
          : Promise.race([rule.released, new Promise((resolve) => setTimeout(resolve, rule.ms))]));
        if (response.destroyed || incoming.socket.destroyed) return;
        return reply(response, await forward(incoming, body));
      case 'hook-before':
        await rule.hook?.({ method: incoming.method ?? '', path, body });
        return reply(response, await forward(incoming, body));
      case 'hook-after': {
        const answer = await forward(incoming, body);
        await rule.hook?.({ method: incoming.method ?? '', path, body });
        return reply(response, answer);
      }
      case 'rewrite-after': {
        const answer = await forward(incoming, body);
        if (answer.status !== 200 || !rule.rewrite) return reply(response, answer);
        return reply(response, {
          ...answer,
          body: Buffer.from(JSON.stringify(rule.rewrite(JSON.parse(answer.body.toString('utf8'))))),
        });
      }
      default:
        return reply(response, await forward(incoming, body));
    }
  };

  const server: Server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const path = incoming.url ?? '/';
        const rule = rules.find(
          (candidate) =>
            candidate.left > 0 &&
            candidate.method === incoming.method &&
            candidate.path.test(path) &&
            (candidate.bodyIncludes === undefined || body.includes(candidate.bodyIncludes)),
        );
        try {
          if (!rule) return reply(response, await forward(incoming, body));
          rule.left--;
          await apply(rule, incoming, response, body, path);
        } catch {
          if (!response.headersSent && !response.destroyed) {
            response.writeHead(502, { 'content-type': 'text/html' });
            response.end('<html>upstream failed</html>');
          }
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    add(rule) {
      let applied!: () => void;
      const arrived = new Promise<void>((resolve) => (applied = resolve));
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      rules.push({ ...rule, left: rule.times ?? 1, applied, released });
      return { arrived, release };
    },
    applied: () => ({ ...counts }),
    clear: () => void rules.splice(0),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
