import type { IncomingMessage, ServerResponse } from 'node:http';

const KEEP_ALIVE_MS = 15_000;

/** The pages' server-sent event streams: each frame goes to every open page. */
export class EventStreams {
  private readonly streams = new Set<ServerResponse>();
  private readonly keepAlive: NodeJS.Timeout;

  constructor() {
    // Proxies and browsers drop a silent stream; a comment line every few seconds keeps it open.
    this.keepAlive = setInterval(() => {
      for (const stream of this.streams) stream.write(': ping\n\n');
    }, KEEP_ALIVE_MS);
    this.keepAlive.unref();
  }

  get size(): number {
    return this.streams.size;
  }

  open(request: IncomingMessage, response: ServerResponse): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.write('retry: 1000\n\n');
    this.streams.add(response);
    const drop = () => this.streams.delete(response);
    request.on('close', drop);
    response.on('close', drop);
  }

  broadcast(payload: Record<string, unknown>): void {
    const frame = `data: ${JSON.stringify(payload)}\n\n`;
    for (const stream of this.streams) stream.write(frame);
  }

  close(): void {
    clearInterval(this.keepAlive);
    for (const stream of this.streams) stream.end();
    this.streams.clear();
  }
}
