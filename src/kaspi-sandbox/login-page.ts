/**
 * The idmc login page as the real one is built (REFERENCE §1.3): two tabs, one form on screen at a time, so the
 * Playwright login meets the same selectors and steps here as on Kaspi — e-mail `#user_email_field` →
 * `.button.is-primary` → `#password_field` → (code `#sms_code_field`) → the cabinet with `nav.navbar`, errors in
 * `.notification.is-danger`; phone tab `#phone_tab` → `#user_phone_field` → `input[name=security-code]`, errors
 * in `.help.is-danger`. Its script talks to `/api/p/login` like the real page: `_u/_p`, `_m_c`, `_ph`, `_c`, and
 * `_s_m` when the login service asks which merchant (`su`).
 */
export function loginPageHtml(mcUrl: string, shopUrl: string): string {
  const next = `${mcUrl}/oauth2/authorization/1?redirectUrl=${encodeURIComponent(`${new URL(shopUrl).origin}/mc/`)}`;
  return `<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kaspi Магазин — вход</title>
<style>body{font-family:sans-serif;max-width:420px;margin:40px auto}.field{margin:8px 0}.input{width:100%}[hidden]{display:none!important}</style>
</head>
<body>
<div class="tabs"><ul>
  <li class="is-active"><a id="email_tab" href="#email">Email</a></li>
  <li><a id="phone_tab" href="#phone">Телефон</a></li>
</ul></div>
<div id="card"></div>
<template id="email_template">
<form id="email_form" novalidate>
  <div class="field"><label class="label" for="user_email_field">Email</label>
    <input class="input" id="user_email_field" type="email" autocomplete="username"></div>
  <div class="field" data-row="password" hidden><label class="label" for="password_field">Пароль</label>
    <input class="input" id="password_field" type="password" autocomplete="current-password"></div>
  <div class="field" data-row="code" hidden><label class="label" for="sms_code_field" data-code-label>Код подтверждения</label>
    <input class="input" id="sms_code_field" inputmode="numeric" autocomplete="one-time-code"></div>
  <fieldset class="merchant-choice" data-row="merchant" hidden><legend>Выберите магазин</legend></fieldset>
  <div class="notification is-danger" hidden></div>
  <button type="submit" class="button is-primary">Продолжить</button>
</form>
</template>
<template id="phone_template">
<form id="phone_form" novalidate>
  <div class="field"><label class="label" for="user_phone_field">Номер телефона</label>
    <input class="input" id="user_phone_field" type="tel" placeholder="+7 (___) ___-__-__" autocomplete="tel"></div>
  <div class="field" data-row="code" hidden><label class="label" data-code-label>Код из SMS</label>
    <input class="input" name="security-code" inputmode="numeric" autocomplete="one-time-code"></div>
  <fieldset class="merchant-choice" data-row="merchant" hidden><legend>Выберите магазин</legend></fieldset>
  <p class="help is-danger" hidden></p>
  <button type="submit" class="button is-primary">Получить код</button>
</form>
</template>
<script>
const NEXT = ${JSON.stringify(next)};
const MESSAGES = {
  CREDENTIALS_INVALID: 'Неверный логин или пароль', SECURITY_CODE_INVALID: 'Неверный код', MFA_CODE_INVALID: 'Неверный код',
  MFA_CODE_ATTEMPT_LIMIT: 'Превышено количество попыток', MFA_SEND_FLOOD: 'Слишком много запросов кода, повторите позже',
  MFA_CODE_TOO_MANY_SEND: 'Слишком много запросов кода, повторите позже', TIMEOUT_EXCEEDED: 'Время действия кода истекло',
  NO_MERCHANTS: 'Нет доступных магазинов', INSUFFICIENT_PERMISSIONS: 'Недостаточно прав', PHONE_NOT_FOUND: 'Номер не найден',
  PHONE_INVALID: 'Неверный формат номера'
};
async function login(body) {
  const r = await fetch('/api/p/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  try { return await r.json(); } catch (e) { return { errorCode: 'FAILED' }; }
}
function maskPhone(text) {
  let d = text.replace(/\\D/g, '');
  if (d.length === 11 && (d[0] === '7' || d[0] === '8')) d = d.slice(1);
  return d.length === 10 ? '+7 (' + d.slice(0, 3) + ') ' + d.slice(3, 6) + '-' + d.slice(6, 8) + '-' + d.slice(8) : text;
}
function mount(kind) {
  const card = document.getElementById('card');
  card.replaceChildren(document.getElementById(kind + '_template').content.cloneNode(true));
  document.querySelectorAll('.tabs li').forEach((li) => li.classList.toggle('is-active', li.contains(document.getElementById(kind + '_tab'))));
  const form = card.querySelector('form');
  const row = (name) => form.querySelector('[data-row=' + name + ']');
  const error = form.querySelector('.is-danger');
  const state = { step: kind === 'email' ? 'email' : 'phone', mfaUser: undefined };
  const fail = (data) => { error.textContent = MESSAGES[data.errorCode] || 'Ошибка входа'; error.hidden = false; };
  const codeInput = () => form.querySelector(kind === 'email' ? '#sms_code_field' : 'input[name=security-code]');
  const showCode = (label) => { if (label) form.querySelector('[data-code-label]').textContent = label; row('code').hidden = false; codeInput().value = ''; state.step = 'code'; };
  const showMerchants = (su) => {
    const box = row('merchant');
    box.querySelectorAll('label').forEach((label) => label.remove());
    su.forEach((item, index) => {
      const label = document.createElement('label'); label.className = 'radio';
      const input = document.createElement('input'); input.type = 'radio'; input.name = 'merchant'; input.value = item.merchantUid; input.checked = index === 0;
      label.append(input, ' ' + item.merchantName); box.append(label);
    });
    row('code').hidden = true; box.hidden = false; state.step = 'merchant';
  };
  // What the login service answered decides the next screen, the way the real page reads it.
  const next = (data) => {
    if (data.errorCode) return fail(data);
    if (data.redirectUrl !== undefined) { location.href = NEXT; return; }
    if (Array.isArray(data.su)) return showMerchants(data.su);
    if (data.email) { state.mfaUser = data.email; return showCode('Код из письма, отправленного на ' + data.email); }
    fail({ errorCode: 'FAILED' });
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    const email = kind === 'email' ? form.querySelector('#user_email_field').value.trim() : undefined;
    if (state.step === 'email') { row('password').hidden = false; state.step = 'password'; return; }
    if (state.step === 'password') return next(await login({ _u: email, _p: form.querySelector('#password_field').value, _r_d: false }));
    if (state.step === 'phone') {
      const data = await login({ _ph: maskPhone(form.querySelector('#user_phone_field').value) });
      if (data.errorCode) return fail(data);
      return showCode();
    }
    if (state.step === 'code') {
      const code = codeInput().value.trim();
      if (state.mfaUser !== undefined || kind === 'email') return next(await login({ _u: kind === 'email' ? email : state.mfaUser, _m_c: code, _r_d: true }));
      return next(await login({ _c: code }));
    }
    const chosen = form.querySelector('input[name=merchant]:checked');
    if (chosen) next(await login({ _s_m: chosen.value }));
  });
}
document.getElementById('email_tab').addEventListener('click', (event) => { event.preventDefault(); mount('email'); });
document.getElementById('phone_tab').addEventListener('click', (event) => { event.preventDefault(); mount('phone'); });
mount(location.hash === '#phone' ? 'phone' : 'email');
</script>
</body></html>`;
}
