import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '../../src/config.js';
import { DemperQueue, startDemperWorker } from '../../src/demper/queue.js';
import { storesWithDemperWork } from '../../src/demper/scheduler.js';
import { KaspiRateLimitedError } from '../../src/kaspi/errors.js';
import { createKaspi } from '../../src/kaspi/index.js';
import { buildPricefeedItem } from '../../src/kaspi/offer-writes.js';
import {
  FaultWorld,
  sleep,
  APPLY_DELAY_MS,
  VERIFY_AFTER_MS,
  VERIFY_TIMEOUT_MS,
  type EngineChild,
  type ScenarioResult,
  type ScenarioSpec,
} from './harness.js';
import { REQUEST_TIMEOUT_MS } from './stack.js';

/**
 * The fault suite (`npm run test:faults`): the demper on 61 products of two stores against the Kaspi sandbox, a
 * private PostgreSQL and a private Redis, through every fault of the issue, one scenario after another on one
 * world. Each scenario moves a few markets, injects its fault while the engine runs, clears it, lets the system
 * come to rest by itself, and is judged by `FaultWorld.audit`: no change lost, duplicated or below a floor, the
 * history agreeing with Kaspi, the seller told once and clearly. The table is printed at the end.
 */

const BATCH = /^\/pricefeed\/upload\/merchant\/process\/process\/batch$/;
const listOf = (merchantUid: string) => new RegExp(`^/bff/offer-view/list\\?m=${merchantUid}&`);
const forMerchant = (merchantUid: string) => `"merchantUid":"${merchantUid}"`;
/** Longer than the client waits for Kaspi: the request times out. */
const SLOW_MS = REQUEST_TIMEOUT_MS + 800;

let world: FaultWorld;
const started = Date.now();

beforeAll(async () => {
  world = await FaultWorld.open();
});

afterAll(async () => {
  if (world) {
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    console.log(
      `\nFault suite: ${world.products.length} products in ${world.stores.length} stores; PostgreSQL ${world.postgres.kind}, Redis ${world.redisService.kind}; ${seconds} s\n\n${world.table()}\n` +
        (world.runErrors.length
          ? `\nengine runs that threw (and were carried on from): ${world.runErrors.length}\n  ${[...new Set(world.runErrors)].join('\n  ')}\n`
          : ''),
    );
  }
  await world?.close();
});

function judge(result: ScenarioResult): void {
  const { problems } = result.audit;
  expect(problems.lost, 'lost changes').toEqual([]);
  expect(problems.duplicated, 'duplicated changes').toEqual([]);
  expect(problems.belowFloor, 'changes below a floor').toEqual([]);
  expect(problems.told, 'what the seller was told').toEqual([]);
  expect(problems.recovery, 'recovered by itself').toEqual([]);
  expect(problems.collateral, 'offers left on sale as they were').toEqual([]);
  expect(result.row.planned, 'the scenario exercised the demper').toBeGreaterThan(0);
}

async function scenario(spec: ScenarioSpec): Promise<ScenarioResult> {
  const result = await world.runScenario(spec);
  judge(result);
  return result;
}

/** A deep rename of one field, the way Kaspi renames one field of an answer. */
function renameField(value: unknown, from: string, to: string): unknown {
  if (Array.isArray(value)) return value.map((item) => renameField(item, from, to));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key === from ? to : key, renameField(inner, from, to)]),
    );
  return value;
}

function storefrontRequests(): number {
  return Object.entries(world.sandbox.stats().requests)
    .filter(([key]) => key.startsWith('storefront POST /yml/offer-view/offers/'))
    .reduce((sum, [, count]) => sum + count, 0);
}

/** Every wait of the suite is bounded: a fault that does not happen fails its scenario instead of hanging it. */
async function within<T>(promise: Promise<T>, what: string, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_resolve, reject) =>
      (timer = setTimeout(
        () => reject(new Error(`${what}: not within ${timeoutMs} ms\n${world.traceLines.slice(-20).join('\n')}`)),
        timeoutMs,
      )),
  );
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs a child engine until its batch write meets the interposer rule (`arrived`). A run may end with nothing to
 * write (every moved product held at its floor, the store's writes paused by an earlier scenario): the market
 * moves again and the child runs again, up to three times, each run traced.
 */
async function runUntilBatch(child: EngineChild, arrived: Promise<void>, what: string): Promise<void> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const run = child.run().then(
      (summary) => ({ summary }),
      (error: unknown) => ({ error: error instanceof Error ? error.message.split('\n')[0] : String(error) }),
    );
    const first = await within(Promise.race([arrived.then(() => 'arrived' as const), run]), what, 20_000).catch(
      (error: unknown) => {
        // The child's own last words say where it stood (it logs nothing else, and its runs are not traced).
        throw new Error(
          `${error instanceof Error ? error.message : String(error)}\nchild output:\n${child.output.slice(-1_500)}`,
        );
      },
    );
    if (first === 'arrived') return;
    const { errors, ...counts } = 'summary' in first ? first.summary : { errors: [{ message: first.error }] };
    world.trace(
      `${what}: run ${attempt} ended without it: ${JSON.stringify(counts)} ${errors.map((error) => error.message).join(' | ')}`,
    );
    await world.moveMarket(3);
  }
  throw new Error(`${what}: no batch in three runs\n${world.traceLines.slice(-20).join('\n')}`);
}

async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(10);
  }
}

describe('the demper under faults (Kaspi sandbox, private PostgreSQL and Redis)', () => {
  it('control: no fault', async () => {
    await scenario({
      fault: 'none (control)',
      run: async ({ cycles }) => {
        await cycles(2);
        return 0;
      },
    });
  });

  describe('Kaspi', () => {
    it('5xx bursts: reads retried, a 502 on a batch write settled by read-back', async () => {
      await scenario({
        fault: 'Kaspi 5xx bursts',
        run: async ({ world, cycle }) => {
          const before = world.interposer.applied()['fail-502'];
          world.interposer.add({ method: 'POST', path: BATCH, action: 'fail-502' });
          let injected = 0;
          for (let burst = 0; burst < 3; burst++) {
            world.sandbox.injectFaults({ target: 'storefront', serverErrors: 3 });
            world.sandbox.injectFaults({ target: 'cabinet', serverErrors: 2 });
            await cycle();
            injected += 5 - (await world.drainFaults('storefront')) - (await world.drainFaults('cabinet'));
          }
          world.interposer.clear();
          expect(world.interposer.applied()['fail-502'] - before, 'a batch write got the 502').toBe(1);
          return injected + world.interposer.applied()['fail-502'] - before;
        },
      });
    });

    it('timeouts: slow reads retried elsewhere; a write Kaspi took whose answer never came is read back, not resent', async () => {
      await scenario({
        fault: 'Kaspi timeouts',
        run: async ({ world, cycle }) => {
          const applied = () => world.interposer.applied()['stall-after'] + world.interposer.applied()['hold-before'];
          const before = applied();
          // A write Kaspi took whose answer comes after the client gave up, and a cabinet read Kaspi never answers.
          world.interposer.add({ method: 'POST', path: BATCH, action: 'stall-after', ms: SLOW_MS });
          world.interposer.add({
            method: 'GET',
            path: /^\/bff\/offer-view\/list\?/,
            action: 'hold-before',
            ms: SLOW_MS,
          });
          world.sandbox.injectFaults({ target: 'storefront', delayMs: SLOW_MS, delayedRequests: 2 });
          // Two cycles; more only while the write has not met its stall (an answer rotating the session is spared).
          for (let round = 0; round < 2 || (applied() - before < 2 && round < 5); round++) {
            if (round >= 2) await world.moveMarket(2);
            await cycle();
          }
          const leftover = await world.drainFaults('storefront', SLOW_MS);
          world.interposer.clear();
          expect(applied() - before, 'a batch write and a cabinet read timed out').toBe(2);
          return 2 - leftover + applied() - before;
        },
      });
    });

    it('connection resets: before Kaspi saw a batch and after it took one', async () => {
      await scenario({
        fault: 'Kaspi connection resets',
        run: async ({ world, cycle }) => {
          const applied = () => world.interposer.applied()['reset-after'] + world.interposer.applied()['reset-before'];
          const before = applied();
          world.interposer.add({ method: 'POST', path: BATCH, action: 'reset-after' });
          world.interposer.add({ method: 'POST', path: BATCH, action: 'reset-before' });
          let injected = 0;
          // Two bursts; more only while a batch write has not met its reset yet (a cycle may have had nothing
          // to write, or a sandbox reset on the same request got there first).
          for (let burst = 0; burst < 2 || (applied() - before < 2 && burst < 5); burst++) {
            if (burst >= 2) await world.moveMarket(2);
            world.sandbox.injectFaults({ target: 'storefront', resets: 2 });
            world.sandbox.injectFaults({ target: 'cabinet', resets: 1 });
            await cycle();
            injected += 3 - (await world.drainFaults('storefront')) - (await world.drainFaults('cabinet'));
          }
          world.interposer.clear();
          expect(applied() - before, 'a batch write was cut before and one after Kaspi took it').toBe(2);
          return injected + applied() - before;
        },
      });
    });

    it('HTML anti-bot walls on the storefront and the cabinet', async () => {
      await scenario({
        fault: 'Kaspi HTML anti-bot walls',
        run: async ({ world, cycles }) => {
          world.sandbox.injectFaults({ target: 'storefront', htmlWall: 2 });
          world.sandbox.injectFaults({ target: 'cabinet', htmlWall: 2 });
          await cycles(2);
          const injected = 4 - (await world.drainFaults('storefront')) - (await world.drainFaults('cabinet'));
          expect(injected, 'walls were served to the demper').toBeGreaterThan(0);
          return injected;
        },
      });
    });

    it('schema drift in one field: storefront `price`, then cabinet `availabilities`; nothing acts on a misread', async () => {
      await scenario({
        fault: 'Kaspi schema drift (one field)',
        run: async ({ world, cycle }) => {
          const reads = storefrontRequests();
          world.sandbox.injectFaults({ target: 'storefront', drift: { from: 'price', to: 'priceKzt' } });
          await cycle();
          world.sandbox.injectFaults({ target: 'storefront', drift: null });
          let injected = storefrontRequests() - reads;
          // Writes echo the availabilities as read: an offer read without them must never be written (that
          // write would take it off sale everywhere).
          const before = world.interposer.applied()['rewrite-after'];
          for (const store of world.stores) {
            world.interposer.add({
              method: 'GET',
              path: listOf(store.merchantUid),
              action: 'rewrite-after',
              times: 1_000,
              rewrite: (json) => renameField(json, 'availabilities', 'availabilityList'),
            });
          }
          await world.moveMarket(3);
          await cycle();
          world.interposer.clear();
          injected += world.interposer.applied()['rewrite-after'] - before;
          expect(injected, 'drifted answers were read').toBeGreaterThan(0);
          return injected;
        },
      });
    });

    it('writes accepted but never applied: each settles as failed, told once, and is decided again', async () => {
      await scenario({
        fault: 'Kaspi writes accepted, never applied',
        run: async ({ world, cycle }) => {
          const before = world.sandbox.writes().length;
          await world.withDroppedWrites(() => cycle());
          const dropped = world.sandbox
            .writes()
            .slice(before)
            .reduce((sum, record) => sum + (Array.isArray(record.body) ? record.body.length : 1), 0);
          expect(dropped, 'Kaspi accepted writes it then dropped').toBeGreaterThan(0);
          return dropped;
        },
      });
    });

    it('session expiry in the middle of a cycle: after a batch was taken, and between the market read and the write', async () => {
      const [a, b] = world.stores as [(typeof world.stores)[number], (typeof world.stores)[number]];
      await scenario({
        fault: 'Kaspi session expiry mid-cycle',
        told: { sessionExpired: { [a.merchantUid]: 1, [b.merchantUid]: 1 } },
        run: async ({ world, cycles }) => {
          // B: Kaspi takes B's batch, then the session dies; its changes wait in `sent` for a session that is gone.
          world.interposer.add({
            method: 'POST',
            path: BATCH,
            bodyIncludes: forMerchant(b.merchantUid),
            action: 'hook-after',
            hook: () => world.sandbox.expireSessions(b.merchantUid),
          });
          await cycles(3);
          // A: the session dies after A's market was read, at the re-read right before the write.
          await world.moveMarket(3);
          const hook = world.interposer.add({
            method: 'GET',
            path: listOf(a.merchantUid),
            action: 'hook-before',
            hook: () => world.sandbox.expireSessions(a.merchantUid),
          });
          await cycles(2);
          await within(hook.arrived, "the re-read before A's write", 5_000);
          world.interposer.clear();
          // The seller logs in again (the «Войти снова» button of the alert).
          await world.relogin(a);
          await world.relogin(b);
          return 2;
        },
      });
    });

    it('429 storm: Kaspi blocks the merchant; one refused batch, writes frozen, one alert, resumes after the block', async () => {
      const [a] = world.stores;
      await scenario({
        fault: 'Kaspi 429 storm',
        told: { rateLimited: { [a!.merchantUid]: 1 } },
        run: async ({ world, cycles }) => {
          // Another tool of the seller floods the cabinet: Kaspi answers every write of the merchant 429 for 3 s.
          const storm = createKaspi({
            config: loadConfig({
              KASPI_IDMC_URL: world.sandbox.idmcUrl,
              KASPI_MC_URL: world.sandbox.mcUrl,
              KASPI_SHOP_URL: world.sandbox.shopUrl,
              KASPI_PRICEFEED_RPS: '50',
            }),
            logger: world.logger,
            redis: undefined,
          });
          const before429 = world.sandbox.stats().cabinet429;
          await world.foreign(() =>
            world.sessions.withSession(a!.id, async ({ jar, merchantUid, store }) => {
              const offers = (await storm.cabinet.listOffers(jar, merchantUid, true)).slice(0, 6);
              await Promise.all(
                offers.map(async (offer) => {
                  try {
                    await storm.cabinet.writeBatch(jar, merchantUid, [
                      buildPricefeedItem(merchantUid, offer, {}, store.points),
                    ]);
                  } catch (error) {
                    if (!(error instanceof KaspiRateLimitedError)) throw error;
                  }
                }),
              );
            }),
          );
          const stormOwn = world.sandbox.stats().cabinet429 - before429;
          expect(stormOwn, 'the storm tripped Kaspi').toBeGreaterThan(0);
          await cycles(3);
          const refused = world.sandbox.stats().cabinet429 - before429 - stormOwn;
          expect(refused, 'the demper ran into the block').toBeGreaterThan(0);
          return refused;
        },
      });
    });

    it('403 on one proxy: that exit rests, the others carry the reads', async () => {
      await scenario({
        fault: 'Kaspi 403 on one proxy',
        run: async ({ world, cycles }) => {
          // Someone else's traffic through proxy 1 trips Kaspi's per-IP limit: that exit gets 403 for 6 s.
          const proxy = new URL(world.proxies[0]!.url);
          const product = world.products[0]!;
          const before = world.sandbox.stats().storefront403;
          const answers = await Promise.all(
            Array.from(
              { length: 25 },
              () =>
                new Promise<number>((resolve) => {
                  const request = httpRequest(
                    {
                      host: proxy.hostname,
                      port: proxy.port,
                      method: 'POST',
                      path: `${world.sandbox.shopUrl}/yml/offer-view/offers/${product.masterSku}`,
                      headers: { 'content-type': 'application/json' },
                      agent: false,
                    },
                    (response) => {
                      response.resume();
                      response.on('end', () => resolve(response.statusCode ?? 0));
                    },
                  );
                  request.on('error', () => resolve(0));
                  request.end(JSON.stringify({ cityId: product.cityId, limit: 12 }));
                }),
            ),
          );
          const hammered = answers.filter((status) => status === 403).length;
          expect(hammered, 'the proxy is blocked').toBeGreaterThan(0);
          await world.makeDue('all'); // a full round: every exit takes its share of the reads
          await cycles(2);
          const blocked = world.sandbox.stats().storefront403 - before - hammered;
          expect(blocked, 'the demper ran into the blocked proxy').toBeGreaterThan(0);
          return blocked;
        },
      });
    });
  });

  describe('ours', () => {
    it('SIGKILL in the middle of a batch write: after Kaspi took it, and before it reached Kaspi', async () => {
      const [a, b] = world.stores as [(typeof world.stores)[number], (typeof world.stores)[number]];
      await scenario({
        fault: 'ours: SIGKILL mid-batch',
        interrupts: true,
        run: async ({ world }) => {
          const [childA, childB] = await Promise.all([world.spawnEngine(a.id), world.spawnEngine(b.id)]);
          try {
            // A: Kaspi has taken the batch; the process dies before the answer reaches it.
            const taken = world.interposer.add({
              method: 'POST',
              path: BATCH,
              bodyIncludes: forMerchant(a.merchantUid),
              action: 'hold-after',
            });
            const writesA = world.sandbox.writes(a.merchantUid).length;
            await runUntilBatch(childA, taken.arrived, "the child's batch for A");
            await waitUntil(() => world.sandbox.writes(a.merchantUid).length > writesA, 'Kaspi takes the batch');
            await childA.kill();
            taken.release();
            // B: the process dies while its batch is on the way; Kaspi never sees it.
            const held = world.interposer.add({
              method: 'POST',
              path: BATCH,
              bodyIncludes: forMerchant(b.merchantUid),
              action: 'hold-before',
            });
            const writesB = world.sandbox.writes(b.merchantUid).length;
            await runUntilBatch(childB, held.arrived, "the child's batch for B");
            await childB.kill();
            await sleep(200);
            held.release();
            await sleep(100);
            expect(world.sandbox.writes(b.merchantUid).length, 'the held batch never reached Kaspi').toBe(writesB);
            const planned = (await world.unsettled()).filter((change) => change.status === 'planned');
            expect(planned.length, 'the dead runs left planned changes').toBeGreaterThan(0);
            return 2;
          } finally {
            await childA.kill();
            await childB.kill();
            world.interposer.clear();
          }
        },
      });
    });

    it('Redis stopped and restarted, under BullMQ workers: while a store job runs, and while a batch is in flight', async () => {
      await scenario({
        fault: 'ours: Redis restarted',
        run: async ({ world, engine }) => {
          const prefix = `faults-${randomBytes(3).toString('hex')}`;
          const queue = new DemperQueue(world.redisService.url, { prefix, logger: world.logger });
          const worker = startDemperWorker(world.redisService.url, engine, world.logger, {
            prefix,
            concurrency: 2,
            lockDurationMs: 2_000,
            stalledIntervalMs: 1_000,
          });
          try {
            await worker.ready();
            let completed = 0;
            worker.worker.on('completed', (job, summary) => {
              completed++;
              const { errors, ...counts } = summary;
              world.trace(
                `worker: job ${job.id} completed ${JSON.stringify(counts)}${errors.length ? ` errors: ${errors.map((error) => error.message).join(' | ')}` : ''}`,
              );
            });
            worker.worker.on('failed', (job, error) => world.trace(`worker: job ${job?.id} failed: ${error.message}`));
            worker.worker.on('error', (error) => world.trace(`worker error: ${error.message}`));
            const tick = async () => {
              try {
                await queue.enqueueStores(await storesWithDemperWork(world.orm, new Date()));
              } catch {
                // A tick that cannot reach Redis fails; the next one (a minute later in production) tries again.
              }
            };
            // 1) Redis dies while a store job runs.
            const active = new Promise((resolve) => worker.worker.once('active', resolve));
            await tick();
            await within(active, 'a store job', 10_000);
            await sleep(50);
            world.trace('Redis: killed while a store job runs');
            await world.redisService.restart(1_500);
            world.trace('Redis: back (empty)');
            // 2) Redis dies while a batch write is in flight.
            await world.moveMarket(3);
            let completedAtRestart: number | undefined;
            world.interposer.add({
              method: 'POST',
              path: BATCH,
              action: 'hook-before',
              hook: async () => {
                world.trace('Redis: killed while a batch write is in flight');
                await world.redisService.restart(1_000);
                world.trace('Redis: back (empty)');
                completedAtRestart = completed;
              },
            });
            // The clock keeps ticking; the worker must pick up jobs again and every change must settle.
            const deadline = Date.now() + 30_000;
            for (;;) {
              await tick();
              await sleep(VERIFY_AFTER_MS + APPLY_DELAY_MS + 100);
              if (
                completedAtRestart !== undefined &&
                completed > completedAtRestart &&
                (await world.unsettled()).length === 0
              )
                break;
              if (Date.now() > deadline)
                throw new Error(
                  `the workers did not recover after the Redis restarts (jobs completed ${completed}, at the second restart ${completedAtRestart})`,
                );
            }
            return 2;
          } finally {
            world.interposer.clear();
            await worker.close(true);
            await queue.queue.obliterate({ force: true }).catch(() => undefined);
            await queue.close();
          }
        },
      });
    });

    it('PostgreSQL restarted: right after Kaspi took a batch, and between runs', async () => {
      await scenario({
        fault: 'ours: PostgreSQL restarted',
        interrupts: true,
        run: async ({ world, cycle, cycles }) => {
          // 1) PostgreSQL goes down right after Kaspi took a batch and is still down when the engine records it.
          let back: Promise<void> | undefined;
          const taken = world.interposer.add({
            method: 'POST',
            path: BATCH,
            action: 'hook-after',
            hook: async () => {
              await world.postgres.stop();
              back = sleep(800).then(() => world.postgres.start());
            },
          });
          await cycle();
          await within(taken.arrived, 'a batch write', 5_000);
          await back;
          world.interposer.clear();
          // 2) A restart between runs: every pooled connection is dead when the next run starts.
          await world.postgres.restart(500);
          await world.moveMarket(3);
          await cycles(2);
          return 2;
        },
      });
    });

    it('two workers racing on the same store: in the same minute, reading back the same changes, across a minute boundary', async () => {
      const [a] = world.stores;
      await scenario({
        fault: 'ours: two workers racing',
        run: async ({ world, engine }) => {
          const other = world.engine(world.otherKaspi(world.redis));
          let races = 0;
          for (let round = 0; round < 3; round++) {
            if (round > 0) await world.moveMarket(4);
            await Promise.all([
              world.runEngine(engine, { storeId: a!.id }),
              world.runEngine(other, { storeId: a!.id }),
            ]);
            races++;
            await sleep(VERIFY_AFTER_MS + APPLY_DELAY_MS);
          }
          // Both read back the same pending changes at once (Kaspi dropped the writes): each is settled, and told
          // «not applied», once.
          await world.moveMarket(3);
          await world.withDroppedWrites(() => world.runEngine(engine, { storeId: a!.id }));
          await sleep(VERIFY_TIMEOUT_MS + 200);
          await Promise.all([world.runEngine(engine, { storeId: a!.id }), world.runEngine(other, { storeId: a!.id })]);
          races++;
          // Two runs on either side of a minute boundary: the second worker's run starts at hh:mm:58 of the previous
          // minute (its clock is set back for the first 60 ms of the run, while it reads the store; the rest runs
          // in true time, as a run that began just before the minute turned). A first run warms the process up, so
          // both runs read the store's history before either records its changes.
          const child = await world.spawnEngine(a!.id, { verifyTimeoutMs: 120_000 });
          try {
            await child.run(0);
            await world.moveMarket(8);
            const [lagging] = await Promise.all([
              child.run(-(Date.now() % 60_000) - 2_000, { skewForMs: 60 }),
              world.runEngine(engine, { storeId: a!.id }),
            ]);
            world.trace(`the lagging worker: ${JSON.stringify(lagging)}`);
            races++;
          } finally {
            await child.kill();
          }
          return races;
        },
      });
    });
  });
});
