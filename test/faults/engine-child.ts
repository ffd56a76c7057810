/**
 * A demper process of its own, for the faults that need one: SIGKILLed in the middle of a batch write, or racing
 * the test process's engine on the same store. Run as `node --import tsx test/faults/engine-child.ts` with
 * FAULT_CHILD (JSON) in the environment. Protocol on stdio: prints `ready`, waits for `go` on stdin, runs one
 * `runOnce({ storeId })`, prints every notification as `notify <json>` and finally `done <summary json>`.
 *
 * `go <ms>` shifts this process's clock by that much first: a worker on a host whose clock is off.
 */
import { createInterface } from 'node:readline';

interface ChildConfig {
  databaseUrl: string;
  redisUrl?: string;
  redisKeyPrefix: string;
  secretKeyHex: string;
  idmcUrl: string;
  mcUrl: string;
  shopUrl: string;
  proxies: string[];
  storeId: number;
  verifyTimeoutMs?: number;
}

const config = JSON.parse(process.env.FAULT_CHILD ?? '{}') as ChildConfig;

// The clock skew, set by `run`. Only `Date.now()` and `new Date()` (no arguments) are shifted; the Proxy keeps
// `instanceof Date` working for every library.
let skew = 0;
{
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  RealDate.now = () => realNow() + skew;
  globalThis.Date = new Proxy(RealDate, {
    construct(target, args, newTarget) {
      return args.length === 0
        ? Reflect.construct(target, [realNow() + skew], newTarget)
        : Reflect.construct(target, args, newTarget);
    },
  });
}

const { Redis } = await import('ioredis');
const { openDatabase } = await import('../../src/db/orm.js');
const { createI18n } = await import('../../src/i18n.js');
const { createLogger } = await import('../../src/logger.js');
const { SecretBox } = await import('../../src/security/secret-box.js');
const { faultEngine, faultKaspi } = await import('./stack.js');
type Notifier = import('../../src/demper/notifier.js').DemperNotifier;

const logger = createLogger({ level: 'silent' });
const say = (line: string): void => void process.stdout.write(`${line}\n`);

const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: null, logger, poolMax: 4 });
const redis = config.redisUrl
  ? new Redis(config.redisUrl, { maxRetriesPerRequest: null, keyPrefix: config.redisKeyPrefix })
  : undefined;
redis?.on('error', () => undefined);
const kaspi = faultKaspi(
  { idmcUrl: config.idmcUrl, mcUrl: config.mcUrl, shopUrl: config.shopUrl, proxies: config.proxies },
  logger,
  redis,
);
const notifier: Notifier = {
  digest: async (storeId, lines, dryRun) =>
    say(
      `notify ${JSON.stringify({ type: 'digest', storeId, dryRun, lines: lines.map(({ decision: _decision, ...line }) => line) })}`,
    ),
  alert: async (storeId, alert) => say(`notify ${JSON.stringify({ type: 'alert', storeId, alert })}`),
};
const engine = faultEngine({
  orm: database.orm,
  kaspi,
  secretBox: new SecretBox(Buffer.from(config.secretKeyHex, 'hex')),
  notifier,
  i18n: createI18n(),
  logger,
  verifyTimeoutMs: config.verifyTimeoutMs,
});

say('ready');
const lines = createInterface({ input: process.stdin });
let queue = Promise.resolve();
let exit!: () => void;
const exited = new Promise<void>((resolve) => (exit = resolve));
lines.on('line', (line) => {
  const [command, value] = line.trim().split(/\s+/);
  const ms = Number(value ?? 0) || 0;
  if (command === 'skew') skew = ms;
  if (command === 'exit') void queue.then(exit);
  if (command === 'run') {
    queue = queue.then(async () => {
      skew = ms;
      const summary = await engine.runOnce({ storeId: config.storeId });
      say(`done ${JSON.stringify(summary)}`);
    });
  }
});
lines.on('close', () => void queue.then(exit));
await exited;
lines.close();
redis?.disconnect();
await database.close();
process.exit(0);
