import type { TaskContext } from 'node-cron';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createChatNotifier } from '../../src/bot/demper-notifier.js';
import { localTimeOrDate } from '../../src/bot/replies/format.js';
import { ProductSchema, SellerSchema, StoreSchema, type Store } from '../../src/db/entities/index.js';
import { SessionKeepAlive } from '../../src/demper/keep-alive.js';
import { startDemperScheduler } from '../../src/demper/scheduler.js';
import { createDemper } from '../../src/demper/wiring.js';
import { EmailLogin } from '../../src/kaspi/auth/email-login.js';
import { KaspiRateLimitedError } from '../../src/kaspi/errors.js';
import { KaspiSessionManager } from '../../src/kaspi/session-manager.js';
import { SessionKeeper } from '../../src/kaspi/session-keeper.js';
import type { ChatMessage, FakeUser } from '../../src/telegram-sandbox/bot-api-server.js';
import {
  harnessFollowUps,
  loginAndSync,
  newUser,
  press,
  say,
  startBotHarness,
  type BotHarness,
} from '../helpers/bot-harness.js';
import { captureLogger } from '../helpers/logs.js';

const logs = captureLogger('debug');
let harness: BotHarness;
/** Keep-alive reads per store this often in these tests (Kaspi: minutes). */
const PROBE_EVERY_MS = 3_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  // With Redis, as in production: the keep-alive's spacing and the expiry notices are shared through it.
  harness = await startBotHarness({ logger: logs.logger, redis: true });
}, 60_000);

afterAll(async () => {
  await harness?.close();
});

const orm = () => harness.infrastructure.database.orm;
const requests = (key: string) => harness.sandbox.stats().requests[key] ?? 0;
const KEEP_ALIVE_READ = 'cabinet GET /s/m';
const botMessages = (user: FakeUser) => harness.telegram.messages(user.id).filter((message) => message.from === 'bot');
const expiryMessages = (user: FakeUser) =>
  botMessages(user).filter((message) => /Сессия Kaspi магазина .* истекла/.test(message.text ?? ''));

function buttons(message: ChatMessage): { text: string; callback_data?: string }[] {
  return (
    (
      message.reply_markup as { inline_keyboard?: { text: string; callback_data?: string }[][] } | undefined
    )?.inline_keyboard?.flat() ?? []
  );
}

/** The production keep-alive on the harness's Kaspi layer, with test spacing (and, for the cap, quick page timeouts). */
function keepAliveFor(options: { retryAfterMs?: number; stepTimeoutMs?: number } = {}) {
  const { infrastructure, deps } = harness;
  const kaspi = deps.kaspi;
  const sessions = new KaspiSessionManager(orm(), infrastructure.secretBox, kaspi.cabinet, logs.logger);
  const emailLogin = options.stepTimeoutMs
    ? new EmailLogin(kaspi.cabinet, kaspi.urls, infrastructure.config.chromiumPath, logs.logger, {
        stepTimeoutMs: options.stepTimeoutMs,
      })
    : kaspi.emailLogin;
  const keeper = new SessionKeeper(orm(), sessions, emailLogin, kaspi.loginLock, logs.logger, {
    retryAfterMs: options.retryAfterMs ?? 0,
  });
  const keepAlive = new SessionKeepAlive({
    orm: orm(),
    sessions,
    keeper,
    limits: kaspi.limits,
    notifier: createChatNotifier(infrastructure),
    logger: logs.logger,
    probeEveryMs: PROBE_EVERY_MS,
  });
  return { keepAlive, emailLogin, sessions };
}

function engine() {
  return createDemper(harness.infrastructure, createChatNotifier(harness.infrastructure), harnessFollowUps(harness), {
    verifyAfterMs: 200,
    verifyTimeoutMs: 10_000,
  }).engine;
}

async function storeOf(user: FakeUser): Promise<Store> {
  return orm()
    .em.fork()
    .findOneOrFail(StoreSchema, { seller: { telegramUserId: user.id } });
}

/** The store's demper on, with a few products held at their price: each run checks them and writes nothing. */
async function runDemper(store: Store, count = 3): Promise<number[]> {
  const em = orm().em.fork();
  await em.nativeUpdate(StoreSchema, { id: store.id }, { demperEnabled: true });
  const products = await em.find(
    ProductSchema,
    { store: store.id, onSale: true, removedAt: null },
    { orderBy: { id: 'ASC' }, limit: count },
  );
  for (const product of products) {
    await em.nativeUpdate(
      ProductSchema,
      { id: product.id },
      { demperEnabled: true, strategy: 'hold', minPrice: product.price, nextCheckAt: null },
    );
  }
  expect(products).toHaveLength(count);
  return products.map((product) => product.id);
}

async function makeDue(productIds: number[]): Promise<void> {
  await orm()
    .em.fork()
    .nativeUpdate(ProductSchema, { id: { $in: productIds } }, { nextCheckAt: null });
}

async function loginByEmail(user: FakeUser, email: string, password: string, mfa: boolean): Promise<ChatMessage> {
  const { telegram, sandbox } = harness;
  const method = await say(telegram, user, '/login', /Как войти/);
  await press(telegram, user, method, 'e-mail', /Введите e-mail/);
  await say(telegram, user, email, /Введите пароль/);
  if (!mfa) return say(telegram, user, password, /подключён/, 60_000);
  await say(telegram, user, password, /код подтверждения/, 60_000);
  return say(telegram, user, sandbox.lastCode(email)!, /подключён/, 60_000);
}

async function storesText(user: FakeUser): Promise<string> {
  return (await say(harness.telegram, user, '/stores', /Ваши магазины/)).text ?? '';
}

describe('sessions that last', () => {
  it('SMS store: the keep-alive notices expiry before the demper, one message with «Войти снова», the demper pauses quietly', async () => {
    const { telegram, sandbox } = harness;
    const user = newUser();
    await loginAndSync(harness, user);
    let store = await storeOf(user);
    const productIds = await runDemper(store);
    const { keepAlive } = keepAliveFor();
    const demper = engine();

    // A read only once the last confirmation is PROBE_EVERY_MS old, none while Kaspi has the merchant blocked
    // after a 429, and the second process sharing Redis holds back too.
    await sleep(PROBE_EVERY_MS + 100);
    const readsBefore = requests(KEEP_ALIVE_READ);
    await harness.deps.kaspi.limits.freezeMerchant(
      '30067228',
      new KaspiRateLimitedError('test', 'cabinet.pricefeed-batch', 1_000, 'merchant-writes'),
    );
    expect(await keepAlive.run()).toMatchObject({ probed: 0 });
    await sleep(1_100);
    expect(await keepAlive.run()).toMatchObject({ probed: 1, expired: 0 });
    expect(await keepAlive.run()).toMatchObject({ probed: 0 });
    await orm()
      .em.fork()
      .nativeUpdate(StoreSchema, { id: store.id }, { sessionCheckedAt: new Date(Date.now() - 3_600_000) });
    expect(await keepAliveFor().keepAlive.run()).toMatchObject({ probed: 0 });
    expect(requests(KEEP_ALIVE_READ)).toBe(readsBefore + 1);

    // Kaspi ends the session. The demper alone reads only the public storefront: it would go on and not notice.
    sandbox.expireSessions('30067228');
    const unnoticed = await demper.runOnce({ storeId: store.id });
    expect(unnoticed).toMatchObject({ stores: 1, errors: [] });
    expect(unnoticed.checked).toBeGreaterThanOrEqual(productIds.length);
    expect((await storeOf(user)).sessionState).toBe('active');
    expect(expiryMessages(user)).toHaveLength(0);

    await sleep(PROBE_EVERY_MS + 100);
    expect(await keepAlive.run()).toMatchObject({ probed: 1, expired: 1, asked: 1, renewed: 0 });
    store = await storeOf(user);
    expect(store.sessionState).toBe('expired');
    const told = expiryMessages(user);
    expect(told).toHaveLength(1);
    expect(told[0]!.text).toMatch(/демпер на паузе/);
    expect(told[0]!.text).not.toMatch(/Бот не смог войти сам/); // an SMS store never tries by itself
    expect(buttons(told[0]!)).toEqual([{ text: '🔑 Войти снова', callback_data: `1:sr:${store.id}` }]);

    // Paused quietly: ticks go by, the demper leaves the store alone and nobody repeats the message.
    const messagesBefore = botMessages(user).length;
    for (let tick = 0; tick < 3; tick++) {
      await makeDue(productIds);
      expect(await keepAlive.run()).toMatchObject({ probed: 0, asked: 0 });
      expect(await demper.runOnce({ storeId: store.id })).toMatchObject({ stores: 0, checked: 0 });
    }
    await sleep(300);
    expect(botMessages(user)).toHaveLength(messagesBefore);
    const paused = await storesText(user);
    expect(paused).toMatch(/нужен повторный вход/);
    expect(paused).not.toMatch(/войдёт снова сам|сессия подтверждена/);

    // «Войти снова» starts the SMS login for that store; the new session is confirmed and shown with its time.
    await press(telegram, user, told[0]!, 'Войти снова', /номер телефона/);
    await say(telegram, user, '+7 701 000 00 01', /SMS/);
    await say(telegram, user, sandbox.lastCode('+7 (701) 000-00-01')!, /подключён/);
    store = await storeOf(user);
    expect(store).toMatchObject({ sessionState: 'active', reloginAskedAt: null });
    expect(await storesText(user)).toContain(
      `сессия подтверждена ${localTimeOrDate(store.sessionCheckedAt!, 'Asia/Almaty')}`,
    );

    // In the seller's own zone, with the date once it is not today.
    await orm()
      .em.fork()
      .nativeUpdate(StoreSchema, { id: store.id }, { sessionCheckedAt: new Date('2026-03-01T09:05:00Z') });
    await orm().em.fork().nativeUpdate(SellerSchema, { telegramUserId: user.id }, { timezone: 'Asia/Tokyo' });
    expect(await storesText(user)).toMatch(/\(ID 30067228\) — подключён · сессия подтверждена 01\.03 18:05/);

    // A new session is a new episode: its expiry is told again, once.
    sandbox.expireSessions('30067228');
    await sleep(PROBE_EVERY_MS + 100);
    expect(await keepAlive.run()).toMatchObject({ probed: 1, expired: 1, asked: 1 });
    expect(await keepAlive.run()).toMatchObject({ asked: 0 });
    expect(expiryMessages(user)).toHaveLength(2);
    await orm().em.fork().nativeUpdate(StoreSchema, { id: store.id }, { demperEnabled: false });
  }, 90_000);

  let emailUser: FakeUser;
  let emailProducts: number[];

  it('e-mail store without MFA: logs in again by itself, tells nothing, and the demper goes on', async () => {
    const { telegram, sandbox } = harness;
    emailUser = newUser('Daniyar');
    const connected = await loginByEmail(emailUser, 'nomfa@example.kz', 'Sandbox-Pass-2', false);
    await press(telegram, emailUser, connected, 'Синхронизировать', /товаров синхронизировано — \d+\. Новых/, 30_000);
    let store = await storeOf(emailUser);
    emailProducts = await runDemper(store);
    const { keepAlive, sessions } = keepAliveFor();
    const demper = engine();
    const messagesBefore = botMessages(emailUser).length;

    // Found expired by another cabinet call (here a read; in the demper, a write), the demper's alert waits:
    // the store can log in by itself.
    sandbox.expireSessions('30463421');
    expect(await sessions.probe(store.id)).toBe('expired');
    await createChatNotifier(harness.infrastructure).alert(store.id, { kind: 'session-expired' });
    expect(await storesText(emailUser)).toMatch(/нужен повторный вход · бот войдёт снова сам/);

    // The login lock holds: while the seller's own login of this account runs, no try is made or counted.
    let release!: () => void;
    const sellersLogin = harness.deps.kaspi.loginLock.run(
      'email:nomfa@example.kz',
      () => new Promise<void>((resolve) => (release = resolve)),
    );
    expect(await keepAlive.run()).toMatchObject({ renewed: 0, asked: 0 });
    expect((await storeOf(emailUser)).renewalTries).toEqual([]);
    release();
    await sellersLogin;

    const idmcLogins = requests('idmc GET /login');
    expect(await keepAlive.run()).toMatchObject({ renewed: 1, asked: 0 });
    expect(requests('idmc GET /login')).toBe(idmcLogins + 1);
    store = await storeOf(emailUser);
    expect(store).toMatchObject({ sessionState: 'active', reloginAskedAt: null, renewalBlocked: null });
    expect(store.renewalTries).toHaveLength(1);
    expect(Date.now() - store.sessionCheckedAt!.getTime()).toBeLessThan(30_000);

    await makeDue(emailProducts);
    const goesOn = await demper.runOnce({ storeId: store.id });
    expect(goesOn).toMatchObject({ stores: 1, errors: [] });
    expect(goesOn.checked).toBeGreaterThanOrEqual(emailProducts.length);
    expect(await sessions.probe(store.id)).toBe('active');
    await sleep(300);
    // Nothing was said: the «/stores» answer only.
    expect(
      botMessages(emailUser)
        .slice(messagesBefore)
        .map((message) => message.text),
    ).toEqual([expect.stringMatching(/Ваши магазины/)]);
    expect(logs.text()).not.toContain('Sandbox-Pass-2');
  }, 120_000);

  it('at most 3 automatic tries an hour, counted in the database; then one message; the next hour tries again', async () => {
    const { sandbox } = harness;
    const store = await storeOf(emailUser);
    const quick = () => keepAliveFor({ stepTimeoutMs: 4_000 });
    const { keepAlive, emailLogin } = quick();
    await orm().em.fork().nativeUpdate(StoreSchema, { id: store.id }, { renewalTries: [] });
    const messagesBefore = expiryMessages(emailUser).length;
    const idmcLogins = requests('idmc GET /login');
    sandbox.injectFaults({ target: 'idmc', serverErrors: 1_000_000 });
    try {
      sandbox.expireSessions('30463421');
      await sleep(PROBE_EVERY_MS + 100);
      expect(await keepAlive.run()).toMatchObject({ probed: 1, expired: 1, renewed: 0, asked: 0 });
      expect(await keepAlive.run()).toMatchObject({ renewed: 0, asked: 0 });
      expect(expiryMessages(emailUser)).toHaveLength(messagesBefore);
      // The third failed try spends the hour: the seller is asked now, once, and told why.
      expect(await keepAlive.run()).toMatchObject({ renewed: 0, asked: 1 });
      const told = expiryMessages(emailUser).slice(messagesBefore);
      expect(told).toHaveLength(1);
      expect(told[0]!.text).toMatch(/Бот не смог войти сам: Kaspi не ответил ни на одну из 3 попыток за час/);
      expect(buttons(told[0]!)).toEqual([{ text: '🔑 Войти снова', callback_data: `1:sr:${store.id}` }]);

      // A restarted process (new objects, same database) does not try a fourth time, nor say it again.
      for (const run of [keepAlive, quick().keepAlive, quick().keepAlive])
        expect(await run.run()).toMatchObject({ renewed: 0, asked: 0 });
      expect(requests('idmc GET /login')).toBe(idmcLogins + 3);
      expect((await storeOf(emailUser)).renewalTries).toHaveLength(3);
      expect(expiryMessages(emailUser)).toHaveLength(messagesBefore + 1);
      expect(emailLogin.openLogins).toBe(0);
    } finally {
      sandbox.injectFaults({ target: 'idmc', serverErrors: 0 });
    }

    // An hour later, with Kaspi back, it logs in by itself again; the message already sent is not repeated.
    const later = new Date(Date.now() + 61 * 60_000);
    expect(await quick().keepAlive.run(later)).toMatchObject({ renewed: 1, asked: 0 });
    expect(await storeOf(emailUser)).toMatchObject({ sessionState: 'active', reloginAskedAt: null });
    expect(requests('idmc GET /login')).toBe(idmcLogins + 4);
    expect(expiryMessages(emailUser)).toHaveLength(messagesBefore + 1);
  }, 120_000);

  it('e-mail store whose login needs the e-mailed code: one message with «Войти снова», no more tries', async () => {
    const { sandbox } = harness;
    const user = newUser('Aliya');
    await loginByEmail(user, 'seller@example.kz', 'Sandbox-Pass-1', true);
    const store = await storeOf(user);
    await orm().em.fork().nativeUpdate(StoreSchema, { id: store.id }, { demperEnabled: true });
    const { keepAlive, emailLogin } = keepAliveFor();

    sandbox.expireSessions('30067228');
    await sleep(PROBE_EVERY_MS + 100);
    const logins = requests('idmc POST /api/p/login');
    expect(await keepAlive.run()).toMatchObject({ expired: 1, renewed: 0, asked: 1 });
    expect(emailLogin.openLogins).toBe(0); // the page waiting for the code was closed at once
    expect(await storeOf(user)).toMatchObject({ sessionState: 'expired', renewalBlocked: 'code-required' });
    const triedLogins = requests('idmc POST /api/p/login');
    expect(triedLogins).toBeGreaterThan(logins);

    for (let tick = 0; tick < 3; tick++) expect(await keepAlive.run()).toMatchObject({ renewed: 0, asked: 0 });
    expect(requests('idmc POST /api/p/login')).toBe(triedLogins);
    const told = expiryMessages(user);
    expect(told).toHaveLength(1);
    expect(told[0]!.text).toMatch(/Бот не смог войти сам: Kaspi просит код из письма/);
    expect(buttons(told[0]!)).toEqual([{ text: '🔑 Войти снова', callback_data: `1:sr:${store.id}` }]);
    expect(await storesText(user)).not.toMatch(/войдёт снова сам/);
    expect(logs.text()).not.toContain('Sandbox-Pass-1');
    await orm().em.fork().nativeUpdate(StoreSchema, { id: store.id }, { demperEnabled: false });
  }, 120_000);

  it('the demper’s clock runs the keep-alive in its ticks', async () => {
    const store = await storeOf(emailUser);
    expect(store.sessionState).toBe('active');
    const old = new Date(Date.now() - 3_600_000);
    await orm().em.fork().nativeUpdate(StoreSchema, { id: store.id }, { sessionCheckedAt: old });
    const { engine: demper, keepAlive } = createDemper(
      harness.infrastructure,
      createChatNotifier(harness.infrastructure),
      harnessFollowUps(harness),
    );
    const ticks: string[] = [];
    const readsBefore = requests(KEEP_ALIVE_READ);
    const scheduler = startDemperScheduler({
      cronExpression: '*/1 * * * * *',
      orm: orm(),
      engine: demper,
      keepAlive,
      logger: logs.logger,
    });
    scheduler.task.on('execution:finished', (context: TaskContext) => void ticks.push(context.date.toISOString()));
    try {
      // Three ticks and the store's confirmation: on a loaded machine the read may finish a tick later.
      const confirmed = async () => (await storeOf(emailUser)).sessionCheckedAt!.getTime() > old.getTime();
      const deadline = Date.now() + 15_000;
      while ((ticks.length < 3 || !(await confirmed())) && Date.now() < deadline) await sleep(100);
    } finally {
      await scheduler.stop();
    }
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect((await storeOf(emailUser)).sessionCheckedAt!.getTime()).toBeGreaterThan(old.getTime());
    // One read over all those ticks: the next is due 10 minutes after it (production spacing).
    expect(requests(KEEP_ALIVE_READ)).toBe(readsBefore + 1);
  }, 30_000);
});
