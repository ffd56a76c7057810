import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { OfferActions } from '../../src/catalog/offer-actions.js';
import { PriceChangeSchema, type Product } from '../../src/db/entities/index.js';
import { RecordingNotifier } from '../../src/demper/notifier.js';
import { DemperReadBack } from '../../src/demper/read-back.js';
import { emptySummary } from '../../src/demper/run-summary.js';
import { captureLogger } from '../helpers/logs.js';
import {
  arrangeMarket,
  catalogueOffer,
  cityOf,
  enableDemper,
  engineFor,
  makeDue,
  MERCHANT,
  openWorld,
  productPool,
  sellOnlyAtFirstPoint,
  sleep,
  waitUntil,
  type World,
} from '../demper/world.js';

/**
 * One product, three writers at once — a seller's edit (OfferActions.setPrice), a demper run
 * (DemperEngine.runOnce) and a rollback (OfferActions.setPrices) — then two read-backs at once (the bot's
 * verifyPriceChange and the demper's DemperReadBack.verifyPending), round after round, against the Kaspi sandbox
 * and PostgreSQL. A trigger records every status move of every price_change row, so a change settled twice, or
 * moved after it was settled, is seen whichever code did it.
 */

const ROUNDS = 12;
const VERIFY_TIMEOUT_MS = 5_000;
const { logger } = captureLogger('silent');

interface Transition {
  change_id: number;
  from_status: string | null;
  to_status: string;
}

describe('one owner per price change: concurrent writers and read-backs on one product', () => {
  let world: World;
  let offers: OfferActions;
  let product: Product;
  let city: string;
  let floor: number;

  const rows = () =>
    world.database.orm.em.fork().find(PriceChangeSchema, { product: product.id }, { orderBy: { id: 'ASC' } });
  const transitions = (): Promise<Transition[]> =>
    world.database.orm.em
      .getConnection()
      .execute<Transition[]>('select change_id, from_status, to_status from price_change_transition order by id');
  const kaspiPrice = (cityId: string) => catalogueOffer(world, product.sku).allCityPrices[cityId]?.price;

  beforeAll(async () => {
    world = await openWorld(
      { productsPerMerchant: 12, limits: { writeRpsPerMerchant: 20 } },
      { KASPI_PRICEFEED_RPS: '10', KASPI_OFFERS_RPS: '20' },
    );
    product = (await productPool(world))[0]!;
    await sellOnlyAtFirstPoint(world, [product]);
    city = await cityOf(world, product);
    floor = product.price - 1_000;
    offers = new OfferActions(world.database.orm, world.sessions, world.kaspi.cabinet, logger);
    // Every insert and every status move of a price change, in the order the database saw them.
    await world.database.orm.em.getConnection().execute(`
      create table price_change_transition (
        id serial primary key, change_id int not null, from_status text, to_status text not null
      );
      create function record_price_change_transition() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' then
          insert into price_change_transition (change_id, from_status, to_status) values (new.id, null, new.status);
        elsif new.status is distinct from old.status or new.settled_at is distinct from old.settled_at then
          insert into price_change_transition (change_id, from_status, to_status) values (new.id, old.status, new.status);
        end if;
        return new;
      end $$;
      create trigger price_change_transitions after insert or update on price_change
        for each row execute function record_price_change_transition();
    `);
  });
  afterAll(async () => {
    await world?.close();
  });

  it(
    `settles every change exactly once, loses none, and leaves Kaspi at the last applied price (${ROUNDS} rounds)`,
    { timeout: 240_000 },
    async () => {
      const demperNotifier = new RecordingNotifier();
      const readBackNotifier = new RecordingNotifier();
      const engine = engineFor(world, demperNotifier, { verifyAfterMs: 100, verifyTimeoutMs: VERIFY_TIMEOUT_MS });
      const readBack = new DemperReadBack({
        orm: world.database.orm,
        kaspi: world.kaspi,
        sessions: world.sessions,
        notifier: readBackNotifier,
        logger,
        verifyAfterMs: 0,
        verifyTimeoutMs: VERIFY_TIMEOUT_MS,
      });
      const writesBefore = world.sandbox.writes(MERCHANT).length;
      const base = product.price;
      let demperSent = 0;

      for (let round = 0; round < ROUNDS; round++) {
        // The demper wants to undercut a rival; the seller and the rollback each want a price of their own.
        await arrangeMarket(world, product, base - 300 - 10 * round, base + 3_000);
        await enableDemper(world, product, { minPrice: floor, step: 1 });
        await makeDue(world, [product.id]);
        const manualPrice = base + 100 + round;
        const rollbackPrice = base + 200 + round;
        // Who starts first moves from round to round, so each writer is sometimes the one others wait for; every
        // third round the others start only once the demper has recorded its change (it holds the lock then).
        const demperFirst = round % 3 === 0;
        const startIn = (slot: number) => sleep(((round + slot) % 3) * 15);
        const demperRows = () =>
          world.database.orm.em.fork().count(PriceChangeSchema, { product: product.id, source: 'demper' });
        const demperBefore = await demperRows();
        const demperRun = startIn(1).then(() => engine.runOnce({ productIds: [product.id] }));
        if (demperFirst)
          await waitUntil(async () => (await demperRows()) > demperBefore, `round ${round}: the demper records`);
        const [manual, demper, rollback] = await Promise.allSettled([
          startIn(0).then(() => offers.setPrice(product.id, manualPrice, { reasonText: 'test: manual' })),
          demperRun,
          startIn(2).then(() =>
            offers.setPrices(world.storeId, [{ productId: product.id, price: rollbackPrice }], {
              source: 'rollback',
              reasonText: 'test: rollback',
            }),
          ),
        ]);
        expect(manual.status === 'fulfilled' && manual.value.status, `round ${round}: manual`).toBe('sent');
        expect(demper.status === 'fulfilled' && demper.value.errors, `round ${round}: demper`).toEqual([]);
        expect(rollback.status === 'fulfilled' && rollback.value.sent, `round ${round}: rollback`).toEqual([
          product.id,
        ]);
        if (demper.status === 'fulfilled') demperSent += demper.value.sent;

        // Both read-backs at once, again and again, until nothing of the product is open.
        await waitUntil(
          async () => {
            const open = (await rows()).filter((row) => row.status === 'planned' || row.status === 'sent');
            if (open.length === 0) return true;
            await Promise.all([
              offers.verifyPriceChange(
                open.map((row) => row.id),
                VERIFY_TIMEOUT_MS,
              ),
              readBack.verifyPending(emptySummary()),
              engine.verifyPending(emptySummary()),
            ]);
            await sleep(50);
            return false;
          },
          `round ${round}: every change settled`,
          VERIFY_TIMEOUT_MS * 3,
        );

        // In each city Kaspi ends at the last change that reached it, and that change is on record as applied.
        const history = await rows();
        for (const cityId of new Set(history.map((row) => row.cityId!))) {
          const lastSent = history.filter((row) => row.cityId === cityId && row.sentAt !== null).at(-1)!;
          expect(lastSent.status, `round ${round}: the last change sent in ${cityId}`).toBe('applied');
          await waitUntil(() => kaspiPrice(cityId) === lastSent.newPrice, `round ${round}: Kaspi shows it`);
        }
        await sleep(150); // longer than Kaspi's apply delay: a write still in flight would show by now
        for (const cityId of new Set(history.map((row) => row.cityId!)))
          expect(kaspiPrice(cityId)).toBe(
            history.filter((row) => row.cityId === cityId && row.sentAt).at(-1)!.newPrice,
          );
      }

      const history = await rows();
      // None lost: every change of every writer ends settled.
      expect(history.filter((row) => row.status !== 'applied' && row.status !== 'failed')).toEqual([]);
      expect(new Set(history.map((row) => row.source))).toEqual(new Set(['manual', 'rollback', 'demper']));
      expect(demperSent, 'the demper won the product in some rounds').toBeGreaterThan(0);
      // Never below the floor, neither on record nor in anything sent to Kaspi.
      expect(history.filter((row) => row.newPrice < floor)).toEqual([]);
      const writes = world.sandbox
        .writes(MERCHANT)
        .slice(writesBefore)
        .filter((write) => JSON.stringify(write.body).includes(product.sku));
      const written = writes.flatMap((write) =>
        (write.body as { cityPrices?: { cityId: string; value: number }[] }[]).flatMap((item) =>
          (item.cityPrices ?? []).filter((entry) => entry.cityId === city).map((entry) => entry.value),
        ),
      );
      expect(written.filter((price) => price < floor)).toEqual([]);
      // Every write Kaspi got carries one change of the demper's city, on record as sent first: nothing was sent
      // twice or without a record.
      const sentRows = history.filter((row) => row.cityId === city && row.sentAt !== null);
      expect(writes).toHaveLength(sentRows.length);
      expect(written).toEqual(sentRows.map((row) => row.newPrice));

      // Settled once: each change is recorded planned, moves at most planned → sent → settled, and never again.
      const moves = new Map<number, string[]>();
      for (const move of await transitions())
        moves.set(move.change_id, [...(moves.get(move.change_id) ?? []), `${move.from_status}→${move.to_status}`]);
      const valid = new Set([
        'null→planned|planned→sent|sent→applied',
        'null→planned|planned→sent|sent→failed',
        'null→planned|planned→failed',
      ]);
      const invalid = history
        .map((row) => ({ id: row.id, moves: (moves.get(row.id) ?? []).join('|') }))
        .filter((entry) => !valid.has(entry.moves));
      expect(invalid).toEqual([]);

      // Told once: no change is reported twice by the runs or the read-backs, and nothing failed to apply here.
      const told = [...demperNotifier.digests, ...readBackNotifier.digests].flatMap((digest) =>
        digest.lines.map((line) => line.newPrice),
      );
      expect(told.sort((a, b) => a - b)).toEqual(
        history
          .filter((row) => row.source === 'demper' && row.sentAt !== null)
          .map((row) => row.newPrice)
          .sort((a, b) => a - b),
      );
      expect([...demperNotifier.alerts, ...readBackNotifier.alerts].map(({ alert }) => alert.kind)).toEqual([]);
      // A sent change that failed was superseded by the fresh read of a later writer, never «not applied».
      for (const row of history.filter((candidate) => candidate.status === 'failed' && candidate.sentAt !== null))
        expect(row.error).toMatch(/^superseded by a later change/);
    },
  );
});
