import { Writable } from 'node:stream';

import { createLogger, type Logger } from '../../src/logger.js';
import type { LogLevel } from '../../src/config.js';

/** A real pino logger whose output the test can read back line by line. */
export function captureLogger(level: LogLevel = 'trace'): {
  logger: Logger;
  lines: () => Record<string, unknown>[];
  text: () => string;
} {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  const logger = createLogger({ level, destination: destination as never });
  const text = () => chunks.join('');
  return {
    logger,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
