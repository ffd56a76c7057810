import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { KvEntrySchema, SellerSchema, StoreSchema } from '../../src/db/entities/index.js';
import {
  buttonData,
  press,
  say,
  startBotHarness,
  newUser,
  changedSince,
  loginBySms,
  type BotHarness,
} from '../helpers/bot-harness.js';
import { captureLogger } from '../helpers/logs.js';

const logs = captureLogger('debug');
let harness: BotHarness;

beforeAll(async () => {
  harness = await startBotHarness({ logger: logs.logger });
}, 60_000);

afterAll(async () => {
  await harness?.close();
});

async function storedConversationText(): Promise<string> {
  const rows = await harness.infrastructure.database.orm.em.fork().find(KvEntrySchema, {});
  return JSON.stringify(rows.map((row) => row.value));
}

describe('logging in to Kaspi from the chat', () => {
  it('by SMS: bad phone, shared contact, wrong code, flood on resend, merchant choice; the store becomes active', async () => {
    const { telegram, sandbox } = harness;
    const user = newUser();
    const menu = await say(telegram, user, '/start', /Здравствуйте, Айгерим/);
    const method = await press(telegram, user, menu, 'Войти', /Как войти в кабинет Kaspi/);
    const askPhone = await press(telegram, user, method, 'SMS', /номер телефона/);
    const keyboard = askPhone.reply_markup as { keyboard?: { request_contact?: boolean }[][] };
    expect(keyboard.keyboard?.[0]?.[0]?.request_contact).toBe(true);

    await say(telegram, user, '12345', /не похоже на казахстанский мобильный номер/);
    const codeSent = changedSince(telegram, user.id, /Kaspi отправил SMS с кодом на \+7 \(701\) \*\*\*-\*\*-02/);
    await telegram.sendContact(user, '77010000002');
    const askCode = await telegram.waitForBotMessage(user.id, codeSent);

    await say(telegram, user, 'один два', /4–6 цифр/);
    await say(telegram, user, '000000', /Неверный код из SMS/);
    await press(
      telegram,
      user,
      askCode,
      'Новый код',
      /Новый код можно запросить через \d+ сек\. А пока введите код из последнего SMS/,
    );

    // An older message's button tapped while the code is awaited: its spinner stops with the hint as a toast;
    // no new message, and the step still takes the code.
    const messagesBefore = telegram.messages(user.id).length;
    const stray = await telegram.pressButton(user, method.message_id, buttonData(method, 'e-mail'));
    const answer = await telegram.waitForCall(
      (call) => call.method === 'answerCallbackQuery' && String(call.payload.callback_query_id) === stray,
    );
    expect(answer.payload.text).toMatch(/^Введите код из SMS цифрами/);
    expect(telegram.messages(user.id)).toHaveLength(messagesBefore);

    const code = sandbox.lastCode('+7 (701) 000-00-02')!;
    const choose = await say(telegram, user, code, /несколько магазинов/);
    // The codes were deleted from the chat and are not readable in the stored conversation.
    const typed = telegram
      .messages(user.id)
      .filter((message) => message.from === 'user' && (message.text === code || message.text === '000000'));
    expect(typed).toHaveLength(2);
    expect(typed.every((message) => message.deleted)).toBe(true);

    const connected = await press(telegram, user, choose, /.+/, /подключён/);
    expect(connected.text).toMatch(/Загрузить товары\?/);

    const em = harness.infrastructure.database.orm.em.fork();
    const seller = await em.findOneOrFail(SellerSchema, { telegramUserId: user.id });
    const stores = await em.find(StoreSchema, { seller });
    expect(stores).toHaveLength(1);
    expect(seller.activeStoreId).toBe(stores[0]!.id);
    expect(stores[0]!.sessionState).toBe('active');
    expect(stores[0]!.sessionSealed).not.toMatch(/mc-session/);
    expect(logs.text()).not.toContain(code);

    // The choice took its buttons with it; a second login marks the store this seller already has.
    const chosen = telegram.messages(user.id).find((message) => message.message_id === choose.message_id)!;
    expect(JSON.stringify(chosen.reply_markup ?? {})).not.toContain('1:mc:');
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // Kaspi's pause between SMS to one number
    const again = await loginBySms(harness, user, '+7 701 000 00 02');
    const labels = (again.reply_markup as { inline_keyboard: { text: string }[][] }).inline_keyboard
      .flat()
      .map((button) => button.text);
    const marked = labels.filter((label) => label.endsWith(' · ✅ подключён'));
    expect(marked).toHaveLength(1);
    expect(marked[0]!.startsWith(stores[0]!.name.slice(0, 8))).toBe(true);
    await press(telegram, user, again, 'Отмена', /Отменено/);
  });

  it('by e-mail in Chromium: bad e-mail, wrong password, then the e-mailed code; the password never rests readable', async () => {
    const { telegram, sandbox } = harness;
    const user = newUser('Daniyar', 'en');
    const method = await say(telegram, user, '/login', /How would you like to log in/);
    await press(telegram, user, method, 'e-mail', /Enter the e-mail/);
    await say(telegram, user, 'seller-at-example', /does not look like an e-mail/);
    await say(telegram, user, 'seller@example.kz', /Enter the password/);
    await say(telegram, user, 'Wrong-Pass-9', /Wrong e-mail or password|Неверный e-mail|e-mail or password/i, 60_000);
    const askCode = await say(telegram, user, 'Sandbox-Pass-1', /confirmation code/, 60_000);
    expect(askCode.text).toBeDefined();
    // While Kaspi's code is pending, the conversation is stored — without the password in it.
    const stored = await storedConversationText();
    expect(stored).not.toContain('Sandbox-Pass-1');
    expect(stored).not.toContain('Wrong-Pass-9');
    const passwords = telegram
      .messages(user.id)
      .filter((message) => message.from === 'user' && /Pass/.test(message.text ?? ''));
    expect(passwords.map((message) => message.deleted)).toEqual([true, true]);

    await say(telegram, user, sandbox.lastCode('seller@example.kz')!, /connected/, 60_000);
    const store = await harness.infrastructure.database.orm.em
      .fork()
      .findOneOrFail(StoreSchema, { seller: { telegramUserId: user.id } });
    expect(store.loginMethod).toBe('email');
    expect(store.passwordSealed).toBeTruthy();
    expect(store.passwordSealed).not.toContain('Sandbox-Pass-1');
    expect(logs.text()).not.toContain('Sandbox-Pass-1');
  }, 120_000);

  it('survives a restart of the bot between the phone and the code', async () => {
    const { telegram, sandbox } = harness;
    const user = newUser();
    const method = await say(telegram, user, '/login', /Как войти/);
    await press(telegram, user, method, 'SMS', /номер телефона/);
    await say(telegram, user, '8 701 000 00 01', /Введите код/);
    await harness.restart();
    await say(telegram, user, sandbox.lastCode('+7 (701) 000-00-01')!, /подключён/);
    const store = await harness.infrastructure.database.orm.em
      .fork()
      .findOneOrFail(StoreSchema, { seller: { telegramUserId: user.id } });
    expect(store.merchantUid).toBe('30067228');
  }, 60_000);

  it('leaves a conversation on /cancel and on another command; a seller without a store is sent to /login', async () => {
    const { telegram } = harness;
    const user = newUser();
    const method = await say(telegram, user, '/login', /Как войти/);
    await press(telegram, user, method, 'SMS', /номер телефона/);
    await say(telegram, user, '/cancel', /^Отменено/);
    await say(telegram, user, '+7 701 000 00 01', /Не понял сообщение/); // no conversation is listening any more
    const again = await say(telegram, user, '/login', /Как войти/);
    await press(telegram, user, again, 'SMS', /номер телефона/);
    // Another command says what it interrupted, before its own answer: a code typed next is not taken for one.
    const interrupted = changedSince(telegram, user.id, /Вход в Kaspi прерван/);
    const answer = await say(telegram, user, '/products', /Сначала подключите магазин Kaspi/);
    const notice = await telegram.waitForBotMessage(user.id, interrupted);
    expect(notice.message_id).toBeLessThan(answer.message_id);
    await say(telegram, user, '/price 123 5000', /Сначала подключите магазин/);
    expect(
      telegram.messages(user.id).filter((message) => message.from === 'bot' && /прерван/.test(message.text ?? '')),
    ).toHaveLength(1);
  });
});

describe('the login service’s other answers in the chat', () => {
  const pause = () => new Promise((resolve) => setTimeout(resolve, 1_100)); // Kaspi's pause between two codes (scaled)

  async function askPhone(user: ReturnType<typeof newUser>) {
    const method = await say(harness.telegram, user, '/login', /Как войти/);
    await press(harness.telegram, user, method, 'SMS', /номер телефона/);
  }

  it('by SMS: Kaspi asks which merchant (`su`) — its list becomes the buttons, and the chosen store is connected', async () => {
    const { telegram, sandbox } = harness;
    const user = newUser();
    await askPhone(user);
    await say(telegram, user, '+7 701 000 00 04', /Введите код/);
    const choose = await say(telegram, user, sandbox.lastCode('+7 (701) 000-00-04')!, /несколько магазинов/);
    const labels = (choose.reply_markup as { inline_keyboard: { text: string }[][] }).inline_keyboard
      .flat()
      .map((button) => button.text);
    expect(labels).toHaveLength(3); // two stores and «Отмена»
    await press(telegram, user, choose, labels[1]!, /подключён/);
    const store = await harness.infrastructure.database.orm.em
      .fork()
      .findOneOrFail(StoreSchema, { seller: { telegramUserId: user.id } });
    expect(store.merchantUid).toBe('30463421');
  });

  it('by SMS: Kaspi e-mails a code after the SMS one — the chat asks for it, a wrong one is asked again', async () => {
    const { telegram, sandbox } = harness;
    const user = newUser();
    await askPhone(user);
    await say(telegram, user, '+7 701 000 00 05', /Введите код/);
    await say(
      telegram,
      user,
      sandbox.lastCode('+7 (701) 000-00-05')!,
      /Kaspi также отправил код на почту p\*\*\*@example\.kz/,
    );
    const code = sandbox.lastCode('phone-owner@example.kz')!;
    await say(telegram, user, code === '111111' ? '222222' : '111111', /Неверный код из письма Kaspi/);
    await say(telegram, user, code, /подключён/);
    expect(logs.text()).not.toContain(code);
  });

  it('by SMS: a code Kaspi calls expired (TIMEOUT_EXCEEDED) is renewed by «Новый код»', async () => {
    const { telegram, sandbox } = harness;
    const user = newUser();
    await askPhone(user);
    await pause();
    await say(telegram, user, '+7 701 000 00 01', /Введите код/);
    sandbox.injectFaults({ target: 'idmc', loginErrors: [{ errorCode: 'TIMEOUT_EXCEEDED' }] });
    const expired = await say(
      telegram,
      user,
      sandbox.lastCode('+7 (701) 000-00-01')!,
      /Код из SMS больше не действует/,
    );
    await pause();
    await press(telegram, user, expired, 'Новый код', /Новый код отправлен/);
    await say(telegram, user, sandbox.lastCode('+7 (701) 000-00-01')!, /подключён/);
  });

  it('by SMS: Kaspi’s MFA_CODE_ATTEMPT_LIMIT ends the login with what to do, not «something went wrong»', async () => {
    const { telegram, sandbox } = harness;
    const user = newUser();
    await askPhone(user);
    await pause();
    await say(telegram, user, '+7 701 000 00 01', /Введите код/);
    sandbox.injectFaults({ target: 'idmc', loginErrors: [{ errorCode: 'MFA_CODE_ATTEMPT_LIMIT' }] });
    await say(
      telegram,
      user,
      sandbox.lastCode('+7 (701) 000-00-01')!,
      /Слишком много неверных кодов\. Начните вход заново: \/login/,
    );
    await say(telegram, user, '123456', /Не понял сообщение/); // the login is over
  });

  it('by e-mail: `su` after the password, Kaspi’s pause before a code, and an expired e-mailed code renewed without the password', async () => {
    const { telegram, sandbox } = harness;
    const owner = newUser();
    const method = await say(telegram, owner, '/login', /Как войти/);
    await press(telegram, owner, method, 'e-mail', /Введите e-mail/);
    await say(telegram, owner, 'owner@example.kz', /Введите пароль/);
    const choose = await say(telegram, owner, 'Sandbox-Pass-3', /несколько магазинов/, 60_000);
    const labels = (choose.reply_markup as { inline_keyboard: { text: string }[][] }).inline_keyboard
      .flat()
      .map((button) => button.text);
    await press(telegram, owner, choose, labels[0]!, /подключён/, 60_000);
    const store = await harness.infrastructure.database.orm.em
      .fork()
      .findOneOrFail(StoreSchema, { seller: { telegramUserId: owner.id } });
    expect(store.loginMethod).toBe('email');
    expect(store.merchantUid).toBe('30067228');

    const seller = newUser();
    const again = await say(telegram, seller, '/login', /Как войти/);
    await press(telegram, seller, again, 'e-mail', /Введите e-mail/);
    await say(telegram, seller, 'seller@example.kz', /Введите пароль/);
    sandbox.injectFaults({
      target: 'idmc',
      loginErrors: [{ errorCode: 'MFA_CODE_TOO_MANY_SEND', breakTimeSeconds: 30 }],
    });
    const asked = changedSince(telegram, seller.id, /^Введите пароль/);
    await say(
      telegram,
      seller,
      'Sandbox-Pass-1',
      /Kaspi просит подождать перед новым кодом: ещё 30 сек\. Затем введите пароль снова/,
      60_000,
    );
    await telegram.waitForBotMessage(seller.id, asked);
    await pause();
    await say(telegram, seller, 'Sandbox-Pass-1', /код подтверждения/, 60_000);
    const first = sandbox.lastCode('seller@example.kz')!;
    sandbox.injectFaults({ target: 'idmc', loginErrors: [{ errorCode: 'TIMEOUT_EXCEEDED' }] });
    await pause();
    await say(telegram, seller, first, /Код устарел — Kaspi отправил новый на почту/, 60_000);
    const second = sandbox.lastCode('seller@example.kz')!;
    expect(second).not.toBe(first);
    await say(telegram, seller, second, /подключён/, 60_000);
    expect(logs.text()).not.toContain('Sandbox-Pass-1');
  }, 180_000);

  it.each(['403', 'redirect', 'login-page'] as const)(
    'a cabinet session expired as %s: the seller reads «session expired», not «IP blocked»',
    async (shape) => {
      const { telegram, sandbox } = harness;
      const user = newUser();
      await pause();
      await loginBySms(harness, user, '+7 701 000 00 01');
      sandbox.expireSessions('30067228', shape);
      const expired = changedSince(telegram, user.id, /Сессия Kaspi истекла/);
      await telegram.sendText(user, '/sync');
      const notice = await telegram.waitForBotMessage(user.id, expired, { timeoutMs: 30_000 });
      expect(buttonData(notice, 'Войти снова')).toMatch(/^1:sr:\d+$/);
      const texts = telegram.messages(user.id).map((message) => message.text ?? '');
      expect(texts.some((text) => /временно не отвечает|Kaspi отклонил запрос/.test(text))).toBe(false);
    },
    60_000,
  );
});
