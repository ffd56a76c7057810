/**
 * The idmc login page with the selectors Kaspi's real page has (REFERENCE §1.3), so the Playwright login
 * drives the same steps here as on Kaspi. Its script talks to `/api/p/login` like the real page does.
 */
export function loginPageHtml(mcUrl: string, shopUrl: string): string {
  const next = `${mcUrl}/oauth2/authorization/1?redirectUrl=${encodeURIComponent(`${new URL(shopUrl).origin}/mc/`)}`;
  return `<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>Kaspi Магазин — вход</title></head>
<body>
<div class="tabs"><a id="email_tab" href="#" class="is-active">Email</a> <a id="phone_tab" href="#">Телефон</a></div>
<form id="email_form" onsubmit="return false">
  <input id="user_email_field" type="email" placeholder="Email">
  <input id="password_field" type="password" placeholder="Пароль" style="display:none">
  <input id="sms_code_field" inputmode="numeric" placeholder="Код" style="display:none">
  <button type="button" id="email_submit" class="button is-primary">Продолжить</button>
  <div class="notification is-danger" style="display:none"></div>
</form>
<form id="phone_form" onsubmit="return false" style="display:none">
  <input id="user_phone_field" type="tel" placeholder="+7 (___) ___-__-__">
  <input name="security-code" inputmode="numeric" style="display:none">
  <button type="button" id="phone_submit" class="button is-primary">Получить код</button>
  <p class="help is-danger" style="display:none"></p>
</form>
<script>
const NEXT = ${JSON.stringify(next)};
const MESSAGES = {
  CREDENTIALS_INVALID: 'Неверный логин или пароль', SECURITY_CODE_INVALID: 'Неверный код',
  MFA_CODE_ATTEMPT_LIMIT: 'Превышено количество попыток', MFA_SEND_FLOOD: 'Слишком много запросов кода, повторите позже',
  NO_MERCHANTS: 'Нет доступных магазинов', PHONE_NOT_FOUND: 'Номер не найден'
};
const $ = (s) => document.querySelector(s);
const show = (el) => { el.style.display = ''; };
async function login(body) {
  const r = await fetch('/api/p/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return r.json();
}
function fail(el, data) { el.textContent = MESSAGES[data.errorCode] || 'Ошибка входа'; show(el); }
let step = 'email';
$('#email_submit').addEventListener('click', async () => {
  const err = $('#email_form .notification'); err.style.display = 'none';
  const email = $('#user_email_field').value;
  if (step === 'email') { show($('#password_field')); step = 'password'; return; }
  if (step === 'password') {
    const data = await login({ _u: email, _p: $('#password_field').value, _r_d: false });
    if (data.errorCode) return fail(err, data);
    if (data.redirectUrl !== undefined) { location.href = NEXT; return; }
    show($('#sms_code_field')); step = 'code'; return;
  }
  const data = await login({ _u: email, _m_c: $('#sms_code_field').value, _r_d: true });
  if (data.errorCode) return fail(err, data);
  location.href = NEXT;
});
$('#phone_tab').addEventListener('click', () => { $('#email_form').style.display = 'none'; show($('#phone_form')); });
let phoneStep = 'phone';
$('#phone_submit').addEventListener('click', async () => {
  const err = $('#phone_form .help'); err.style.display = 'none';
  if (phoneStep === 'phone') {
    const data = await login({ _ph: $('#user_phone_field').value });
    if (data.errorCode) return fail(err, data);
    show($('input[name=security-code]')); phoneStep = 'code'; return;
  }
  const data = await login({ _c: $('input[name=security-code]').value });
  if (data.errorCode) return fail(err, data);
  location.href = NEXT;
});
</script>
</body></html>`;
}
