# Kaspi errors, as a seller reads them. Variables: $seconds, $minutes.
kaspi-error-session-expired = Сессия Kaspi истекла. Войдите в кабинет снова — это займёт минуту.
kaspi-error-rate-limited = Не отправлено: Kaspi временно ограничил изменения для этого магазина. Попробуйте снова примерно через { $minutes } мин.
kaspi-error-requests-limited = Kaspi просит подождать с запросами. Попробуйте снова примерно через { $minutes } мин.
kaspi-error-ip-blocked = Kaspi временно не отвечает на наши запросы. Ничего не изменено — попробуйте ещё раз через несколько минут.
kaspi-error-transient = Kaspi сейчас не отвечает. Мы ничего не изменили — попробуйте ещё раз чуть позже.
kaspi-error-bad-request = Kaspi отклонил запрос: { $code }. Данные магазина не изменены.
kaspi-error-schema = Kaspi изменил формат ответа. Мы остановили действие, чтобы ничего не испортить, и уже разбираемся.
kaspi-login-flood = Kaspi просит подождать перед новым кодом: ещё { $seconds } сек. Затем отправьте номер снова.
login-sms-resend-wait = Новый код можно запросить через { $seconds } сек. А пока введите код из последнего SMS.
kaspi-login-code-invalid = Неверный код из SMS. Проверьте цифры и отправьте код ещё раз.
kaspi-login-code-attempts = Слишком много неверных кодов. Начните вход заново: /login
kaspi-login-credentials-invalid = Неверный e-mail или пароль от кабинета Kaspi. Проверьте и попробуйте снова: /login
kaspi-login-no-merchants = К этому аккаунту Kaspi не привязан ни один магазин.
kaspi-login-no-permissions = У этого аккаунта нет прав на управление магазином в Kaspi.
kaspi-login-phone-unknown = Kaspi не нашёл кабинет продавца с этим номером.
kaspi-login-phone-invalid = Это не похоже на казахстанский мобильный номер. Пример: +7 701 234 56 78
kaspi-login-timeout = Время на вход истекло. Начните заново: /login
kaspi-login-restart = Kaspi сбросил вход. Начните заново: /login
kaspi-login-in-progress = Вход в этот аккаунт уже идёт. Дождитесь кода или начните заново через минуту.
kaspi-login-failed = Не удалось войти в Kaspi. Попробуйте ещё раз: /login

# Demper: why this price. Variables: $old, $new, $rival, $rivalPrice, $floor, $ceiling, $place, $step.
demper-reason-undercut-leader = { $rival } продаёт за { $rivalPrice } — ставим { $new }, на { $step } дешевле, чтобы быть первыми.
demper-reason-match-leader = { $rival } продаёт за { $rivalPrice } — ставим такую же цену.
demper-reason-target-place = Держим { $place }-е место: { $rival } за { $rivalPrice }, ставим { $new }.
demper-reason-raise-to-gap = Мы первые с запасом: { $rival } за { $rivalPrice } — поднимаем до { $new }, всё ещё дешевле всех.
demper-reason-already-first = Мы уже первые: { $rival } дороже ({ $rivalPrice }). Цена { $old } без изменений.
demper-reason-already-optimal = Цена { $old } уже лучшая для этой ситуации.
demper-reason-raise-cooldown = Можно поднять цену, но после недавнего снижения ждём, пока рынок успокоится.
demper-reason-no-rivals-hold = Конкурентов нет — цена { $old } без изменений.
demper-reason-no-rivals-ceiling = Конкурентов нет — поднимаем до максимума { $ceiling }.
demper-reason-floor-reached = { $rival } продаёт за { $rivalPrice } — это ниже вашего минимума { $floor }, а выше минимума нет продавца, под которым можно встать. Держим { $old }.
demper-reason-below-floor-fix = Цена { $old } была ниже вашего минимума — ставим минимум { $floor }.
demper-reason-above-ceiling-fix = Цена { $old } была выше вашего максимума — ставим максимум { $ceiling }.
demper-reason-max-drop-limited = { $rival } продаёт за { $rivalPrice } — снижаем постепенно: сейчас до { $new }.
demper-reason-price-war-jump = { $rival } снижает цену в ответ на каждое наше снижение. Чтобы не спускаться по шагу, сразу ставим { $new } (не ниже вашего минимума { $floor }).
demper-reason-price-war-hold = { $rival } отвечает на каждое снижение — держим { $old }, как вы выбрали.
demper-reason-strategy-hold = Стратегия «держать цену»: { $old } без изменений.
demper-reason-invalid-settings = Настройки демпера неполные или противоречат друг другу — цену не трогаем.

# Bot: welcome and menu. HTML parse mode: only <b>, <i>, <code>.
welcome = Здравствуйте, { $name }! Я помогаю продавцам Kaspi: товары, цены, конкуренты и автоматический демпинг — прямо в Telegram.
    Для начала подключите магазин: нажмите «Войти».
welcome-back = С возвращением, { $name }! Активный магазин: <b>{ $store }</b>.
help = <b>Что я умею</b>
    /login — подключить магазин Kaspi (SMS или e-mail)
    /stores — магазины: выбрать активный, войти снова, удалить
    /sync — загрузить товары из Kaspi
    /products [текст] — товары и поиск
    /price &lt;товар&gt; &lt;цена&gt; [город] — изменить цену (везде или в одном городе)
    /enable, /disable [товары…] — включить или снять с продажи
    /offers &lt;товар&gt; [город] — конкуренты по товару в городе
    /demper [товар …] — демпер: статус, вкл/выкл, настройки
    /history &lt;товар&gt; — история цен с графиком
    Товар — название, часть названия или SKU: «/price чайник 12 990».
    /preorders — предзаказы: добавить, загрузить в Kaspi, Excel
    /export, /import — товары в Excel и обратно
    /settings — язык и уведомления
    /cancel — отменить текущее действие
    /logout — удалить магазин и его данные входа
button-products = 📦 Товары
button-sync = 🔄 Синхронизировать
button-sync-retry = 🔄 Повторить
button-enable = ✅ В продажу
button-disable = ⛔ С продажи
button-stores = 🏪 Магазины
button-login = 🔑 Войти
button-settings = ⚙️ Настройки
button-help = ❓ Помощь
button-cancel = Отмена
button-yes = Да
button-no = Нет
button-outdated = Эта кнопка устарела. Откройте меню заново: /start
menu-outdated = Меню обновилось, нажмите ещё раз.
unknown-command = Такой команды нет. Вот что я умею:
unhandled = Не понял сообщение. Выберите действие в меню:
cancelled = Отменено.
nothing-to-cancel = Сейчас нечего отменять.
left-sms-login = Вход в Kaspi прерван. Если код из SMS ещё нужен, начните заново: /login
left-email-login = Вход в Kaspi прерван. Начать заново: /login
left-price-edit = Изменение цены отменено.
left-demper-settings = Настройка демпера отменена.
left-preorder-edit = Предзаказ не сохранён.
left-excel-import = Загрузка Excel отменена — ничего не изменено.
error-generic = Что-то пошло не так — мы уже разбираемся. Прежде чем повторить, проверьте цены в /products.
access-denied = Недоступно: этот магазин или товар удалён или принадлежит другому продавцу. Откройте список заново: /products или /stores.
slow-down = Слишком много запросов подряд. Попробуйте через { $seconds } сек.
press-repeated = Эта кнопка уже нажата — ответ в чате.
no-store = Сначала подключите магазин Kaspi: /login

# Bot: commands in Telegram's menu.
command-start = Главное меню
command-help = Что умеет бот
command-login = Подключить магазин Kaspi
command-stores = Мои магазины
command-sync = Загрузить товары из Kaspi
command-products = Товары и поиск
command-price = Изменить цену: /price товар цена
command-enable = Включить товары в продажу
command-disable = Снять товары с продажи
command-offers = Конкуренты по товару
command-settings = Язык и уведомления
command-cancel = Отменить действие
command-logout = Удалить магазин

# Bot: login.
login-choose-method = Как войти в кабинет Kaspi?
button-login-sms = 📱 По номеру телефона (SMS)
button-login-email = ✉️ По e-mail и паролю
login-sms-ask-phone = Отправьте номер телефона, привязанный к кабинету Kaspi, или нажмите кнопку ниже. Например: +7 701 234 56 78
login-sms-ask-phone-again = Нужен номер телефона: напишите его или нажмите «Поделиться номером».
button-share-phone = 📱 Поделиться номером
login-sms-phone-accepted = Номер { $phone } принят.
login-sms-ask-code = Kaspi отправил SMS с кодом на { $phone }. Введите код:
login-sms-ask-code-again = Введите код из SMS цифрами или нажмите «Новый код».
login-sms-code-resent = Новый код отправлен на { $phone }. Введите его:
login-sms-not-a-code = Код — это 4–6 цифр из SMS. Попробуйте ещё раз.
button-resend-code = 🔁 Новый код
login-email-ask-email = Введите e-mail от кабинета Kaspi:
login-email-invalid = Это не похоже на e-mail. Пример: shop@example.kz
login-email-ask-password = Введите пароль. Сообщение с паролем я сразу удалю из чата, а сам пароль храню только в зашифрованном виде.
login-email-wait = Вхожу в кабинет Kaspi… Это может занять до минуты.
login-email-ask-code = Kaspi отправил код подтверждения. Введите его:
login-choose-merchant = К аккаунту привязано несколько магазинов. Какой подключить?
login-choose-merchant-hint = Выберите магазин кнопкой выше или нажмите «Отмена».
login-merchant-connected = { $name } · ✅ подключён
login-connected = Магазин <b>{ $name }</b> подключён ({ $points } { $points ->
        [one] точка
        [few] точки
       *[other] точек
    } продаж). Загрузить товары?
login-gave-up = Не получилось. Начните заново, когда будете готовы: /login
gave-up = Не получилось, ничего не изменено. Начните заново, когда будете готовы.

# Bot: stores.
stores-none = Магазинов пока нет. Подключите первый: /login
stores-header = <b>Ваши магазины</b>
stores-line-active = { $active }<b>{ $name }</b> (ID { $merchant }) — подключён
stores-line-expired = { $active }<b>{ $name }</b> (ID { $merchant }) — ⚠️ нужен повторный вход
stores-line-none = { $active }<b>{ $name }</b> (ID { $merchant }) — вход не выполнен
button-make-active = Выбрать «{ $name }»
button-relogin = 🔑 Войти снова
button-remove = 🗑 Удалить
button-add-store = ➕ Добавить магазин
store-activated = Активный магазин: { $name }
store-remove-ask = Удалить магазин <b>{ $name }</b>? Сохранённые данные входа, товары и история цен будут удалены. В самом Kaspi ничего не изменится.
button-remove-yes = Да, удалить
store-removed = Магазин <b>{ $name }</b> удалён вместе с данными входа. Ваши магазины: /stores

# Bot: sync.
sync-ask = Загрузить товары магазина <b>{ $store }</b> из Kaspi?
sync-started = 🔄 Синхронизация <b>{ $store }</b>…
sync-progress = 🔄 <b>{ $store }</b>: синхронизировано { $fetched } из { $total }
sync-done = ✅ <b>{ $store }</b>: товаров синхронизировано — { $total }. { $details }
sync-failed = Синхронизация не завершена: { $reason }
sync-already-running = Синхронизация уже идёт — я сообщу, когда закончу.

# Bot: products.
products-header = <b>{ $store }</b>: { $total } { $total ->
        [one] товар
        [few] товара
       *[other] товаров
    }, страница { $page } из { $pages }
products-found = Поиск «{ $search }»: найдено { $total }, страница { $page } из { $pages }
products-none-found = По запросу «{ $search }» ничего не нашлось.
products-empty = В магазине <b>{ $store }</b> пока нет товаров. Загрузите их из Kaspi.
product-not-found = Товар с SKU <code>{ $sku }</code> не найден в активном магазине. Список: /products
card-sku = SKU <code>{ $sku }</code> · код в Kaspi { $masterSku }
card-price = Цена: <b>{ $price }</b>
card-on-sale = 🟢 В продаже
card-off-sale = ⚪️ Снят с продажи
card-place = Место среди продавцов: { $place } (самый дешёвый конкурент: { $rival }; проверено { $checked })
card-demper-on = Демпер: включён, мин. { $min }, макс. { $max }, шаг { $step }
card-demper-off = Демпер: выключен (мин. { $min }, макс. { $max })
button-edit-price = ✏️ Новая цена
button-take-off-sale = ⛔ Снять с продажи
button-put-on-sale = ✅ Вернуть в продажу
button-competitors = 👥 Конкуренты
button-back-to-list = « К списку
button-back-to-card = « К товару

# Bot: prices.
price-usage = Формат: /price товар цена [город], товар — название, часть названия или SKU. Например: /price чайник tefal 12 990 или только в одном городе: /price 123456 12 990 Астана
price-ask = <b>{ $title }</b>
    Сейчас: { $price }, ваш минимум: { $floor }.
    Введите новую цену в тенге:
price-ask-again = Введите цену числом, например 12 990, или нажмите «Отмена».
price-invalid = «{ $text }» — не цена. Введите целое число тенге, например 12 990.
price-below-kaspi-minimum = Kaspi не принимает цену ниже { $minimum }.
price-below-floor = <b>{ $title }</b>: { $price } ниже вашего минимума { $floor }. Точно поставить?
price-big-drop = <b>{ $title }</b>: { $price } — это на { $percent }% дешевле текущей цены { $old }. Проверьте, нет ли пропущенного нуля. Поставить { $price }?
price-confirm-stale = Цена <b>{ $title }</b> уже изменилась: сейчас { $current }. Эта кнопка устарела — отправьте новую цену ещё раз.
price-big-rise = <b>{ $title }</b>: { $price } — это в { NUMBER($times, maximumFractionDigits: 1) } { $times ->
        [one] раз
        [few] раза
        [many] раз
       *[other] раза
    } дороже текущей цены { $old }. Проверьте, нет ли лишнего нуля. Поставить { $price }?
button-confirm-below-floor = Да, поставить { $price }
price-offer-gone = Товар «{ $title }» не найден в кабинете Kaspi. Обновите товары: /sync
price-unchanged = У «{ $title }» уже стоит цена { $price } — ничего не меняли.
price-sent = ⏳ <b>{ $title }</b>: { $old } → { $new }. Отправлено в Kaspi, проверяю, что цена применилась…
price-applied = ✅ <b>{ $title }</b>: { $old } → { $new }. Kaspi применил цену.
price-not-applied = ⚠️ <b>{ $title }</b>: Kaspi не применил цену { $new }. Проверьте товар в кабинете или попробуйте ещё раз.
price-already-sent = Цена { $price } для «{ $title }» уже отправлена в Kaspi — ждём, пока он её применит.
price-reason-manual = Изменено вручную в Telegram

# Bot: on/off sale.
availability-sending = Отправляю в Kaspi…
availability-on-done = ✅ «{ $title }» возвращён в продажу.
availability-off-done = ⛔ «{ $title }» снят с продажи.
availability-on-sent = ⏳ «{ $title }» возвращается в продажу: отправлено в Kaspi, карточка обновится, когда Kaspi это применит.
availability-off-sent = ⏳ «{ $title }» снимается с продажи: отправлено в Kaspi, карточка обновится, когда Kaspi это применит.
availability-failed = Не удалось изменить «{ $title }»: товар не найден в кабинете. Обновите товары: /sync
availability-not-applied = ⚠️ Kaspi пока не применил изменение для { $count } { $count ->
        [one] товара
       *[other] товаров
    }. Проверьте их в кабинете.
batch-select-disable = Отметьте товары, которые нужно снять с продажи. Выбрано: { $selected } из { $total }.
batch-select-enable = Отметьте товары, которые нужно вернуть в продажу. Выбрано: { $selected } из { $total }.
batch-nothing-disable = Все товары уже сняты с продажи.
batch-nothing-enable = Все товары уже в продаже.
button-select-page = Выбрать всё на странице
button-batch-done = Готово ({ $count })
batch-empty = Ничего не выбрано.
batch-expired = Список устарел, откройте его заново.
batch-too-many = За раз можно не больше { $max } SKU.
batch-unknown-skus = Не найдены в активном магазине ни по названию, ни по SKU: { $skus }
batch-confirm-disable = Снять с продажи { $count } { $count ->
        [one] товар
        [few] товара
       *[other] товаров
    }? Остатки и другие настройки не изменятся.
batch-confirm-enable = Вернуть в продажу { $count } { $count ->
        [one] товар
        [few] товара
       *[other] товаров
    }?
batch-sending = Отправляю в Kaspi { $count } { $count ->
        [one] товар
        [few] товара
       *[other] товаров
    }…
batch-done-disable = ⛔ Снято с продажи: { $count }.
batch-done-enable = ✅ Возвращено в продажу: { $count }.
batch-deferred = Не отправлено: { $count }. Kaspi разрешает ограниченное число изменений за 30 минут — повторите через 30 минут.
batch-skipped = Пропущено (нет в кабинете): { $count }.

# Bot: competitors.
offers-usage = Формат: /offers товар [город] (название, часть названия или SKU), например /offers чайник tefal Астана
offers-header = <b>{ $title }</b> — { $city }, продавцов: { $total }
offers-none = Других продавцов нет.
offers-yours = вы
offers-preorder = предзаказ { $days } дн.
offers-more = …и ещё { $count }

# Bot: settings.
settings = Язык: { $language }
    Уведомления: { $notify }
    Тихие часы: { $quiet }
    В тихие часы сводки демпера приходят без звука.
quiet-none = нет
button-quiet-off = 🔔 Всегда
notify-all = Все
notify-important = Важные
notify-off = Выключены

# Bot: demper.
command-demper = Демпер: статус и настройки
command-history = История цен товара
button-demper = 🤖 Демпер
button-history = 📈 История
button-open-product = Открыть товар
button-demper-stop = ⛔ Остановить демпер
button-demper-rollback = ↩️ Вернуть прежние цены
button-demper-rollback-yes = Да, вернуть
button-demper-on = ▶️ Включить
button-demper-off = ⏸ Выключить
button-demper-dry = 🧪 Пробный
button-demper-live = ✅ Рабочий
button-demper-configure = ⚙️ Настроить
demper-digest = 🤖 Демпер · <b>{ $store }</b>: изменено цен — { $count }
demper-digest-dry-run = 🧪 Демпер · <b>{ $store }</b> (пробный режим): предлагаю изменить { $count }. Нажмите ✅, чтобы применить — я ещё раз проверю рынок.
demper-digest-line = { $index }. { $title }: { $old } → <b>{ $new }</b>. { $reason }
demper-alert-floor-reached = ⚠️ <b>{ $title }</b>: { $rivalName } продаёт за { $rivalPrice } — ниже вашего минимума { $floor }.
demper-alert-lost-first-place = 📉 <b>{ $title }</b>: мы больше не первые.
demper-alert-not-applied = ⚠️ <b>{ $title }</b>: новая цена { $newPrice } не появилась на Kaspi (была { $old }). Сейчас на Kaspi: { $shown }.
demper-alert-session-expired = 🔑 Сессия Kaspi магазина <b>{ $store }</b> истекла — демпер на паузе. Войдите снова.
demper-alert-rate-limited = ⏳ Kaspi временно ограничил изменения магазина <b>{ $store }</b>. Демпер продолжит примерно через { $minutes } мин.
demper-settings-usage = Напишите настройки одной строкой, например: вкл мин=10000 макс=15000 шаг=10
    • мин — ниже этой цены демпер не опустится (обязательно)
    • макс — выше не поднимет; макс=- — без максимума
    • шаг — на сколько дешевле конкурента: в ₸ (шаг=10) или в % (шаг=1%)
    • место=2 — держаться на 2-м месте, а не на первом
    • режим=лидер — цена как у лидера, режим=держать — не менять цену
    • каждые=5 — проверять каждые 5 минут
    • город=Астана мин=310000 — свой минимум (макс., шаг) для одного города; город=Астана сброс — как у товара
    • выкл — выключить демпер
demper-settings-ask = <b>{ $title }</b>
    Демпер: { $state }, мин. { $min }, макс. { $max }.
demper-state-on = включён
demper-state-off = выключен
demper-settings-unknown = Не понял «{ $word }». Пример: вкл мин=10000 макс=15000
demper-settings-bare-number = Что такое { $value } — минимум или максимум? Напишите, например: мин={ $value }
demper-settings-bad-price = { $name }={ $value } — не цена. Нужна целая сумма в тенге от 10.
demper-settings-bad-step = step={ $value } — шаг должен быть целым: от 1 ₸ или от 1% до { $max }%.
demper-settings-bad-mode = режим «{ $value }» не понят — напишите режим=первое, режим=лидер или режим=держать.
demper-settings-bad-place = place={ $value } — место от 1 до 10.
demper-settings-bad-interval = каждые={ $value } — от 1 до { NUMBER($max, useGrouping: 0) } минут.
demper-settings-empty = Напишите настройки, например: вкл мин=10000
demper-settings-floor-required = Без минимальной цены демпер не включится: укажите мин=…
demper-settings-min-above-max = Минимум { $min } больше максимума { $max }.
demper-floor-above-price = ⚠️ <b>{ $title }</b>: текущая цена { $price } ниже нового минимума — при следующей проверке демпер поднимет её не ниже { $floor }. Если это не нужно, измените минимум.
demper-floor-above-price-dry = ⚠️ <b>{ $title }</b>: текущая цена { $price } ниже нового минимума — в пробном режиме демпер предложит поднять её не ниже { $floor }.
demper-ceiling-below-price = ⚠️ <b>{ $title }</b>: текущая цена { $price } выше нового максимума — при следующей проверке демпер опустит её не выше { $ceiling }. Если это не нужно, измените максимум.
demper-ceiling-below-price-dry = ⚠️ <b>{ $title }</b>: текущая цена { $price } выше нового максимума — в пробном режиме демпер предложит опустить её не выше { $ceiling }.
demper-strategy-first-place = первое место
demper-strategy-match-leader = цена лидера
demper-strategy-target-place = { $place }-е место
demper-strategy-hold = держать цену
demper-product-on = 🤖 <b>{ $title }</b>
    Демпер включён: { $strategy }, мин. { $min }, макс. { $max }, шаг { $step }, проверка каждые { $minutes } мин.
demper-product-off = 🤖 <b>{ $title }</b>
    Демпер выключен (мин. { $min }, макс. { $max }, шаг { $step }).
demper-store-on = 🤖 Демпер магазина <b>{ $store }</b> включён. Товаров с включённым демпером: { $enabled } из { $total }.
demper-store-off = 🤖 Демпер магазина <b>{ $store }</b> выключен. Товаров с включённым демпером: { $enabled } из { $total }.
demper-store-dry-run = 🧪 Пробный режим: демпер только предлагает цены.
demper-store-dry-run-silent = 🧪 Пробный режим: демпер только предлагает цены — но уведомления выключены, и предложения не приходят. Включите их в /settings.
demper-store-last-cycle = Последняя проверка { $at }: изменений — { $changes }, появилось на Kaspi — { $applied }, ошибок — { $failed }.
demper-store-no-cycles = Демпер ещё ничего не менял.
demper-store-how-to = Чтобы включить демпер для товара: /demper название или SKU вкл мин=…
demper-switched-on = Демпер включён
demper-switched-off = Демпер выключен
demper-switched-dry = Пробный режим включён
demper-switched-live = Рабочий режим включён
demper-stopped = ⛔ Демпер магазина <b>{ $store }</b> остановлен. Неотправленных изменений отменено: { $cancelled }.
demper-rollback-nothing = Возвращать нечего: демпер ещё ничего не менял.
demper-rollback-ask = Вернуть цены, которые были до последней проверки демпера, в <b>{ $store }</b>? Товаров: { $count }. Демпер будет остановлен.
demper-rolled-back = ↩️ <b>{ $store }</b>: демпер остановлен, цены возвращены — { $sent }. Не удалось: { $left }.
demper-rollback-below-floor = ниже минимума { $floor } — не вернём
demper-rollback-failed-line = • { $title }: { $why }
demper-rollback-gone = нет в кабинете Kaspi — обновите товары: /sync
demper-rollback-changed-outside = цену уже поменяли в кабинете ({ $price }) — не трогаем
demper-rollback-other = не получилось — попробуйте позже
demper-rollback-moved-on = Демпер успел сделать новую проверку — эта кнопка устарела. Нажмите «↩️ Вернуть прежние цены» ещё раз.
price-reason-rollback = Возврат цен до последней проверки демпера
demper-proposal-expired = Предложение устарело. Дождитесь следующей проверки.
demper-proposal-checking = Проверяю рынок…
demper-proposal-moved = <b>{ $title }</b>: рынок изменился, менять цену не нужно. { $reason }
demper-proposal-sent = ⏳ <b>{ $title }</b>: отправил { $price } в Kaspi. { $reason }
demper-proposal-declined = Хорошо, не меняем.

# Bot: history.
history-usage = Формат: /history товар (название, часть названия или SKU), например /history чайник tefal
history-header = 📈 <b>{ $title }</b> — сейчас { $price }
history-empty = Цена ещё не менялась.
history-line = { $at } · { $old } → { $new } · { $source }, { $status }. { $reason }
history-source-demper = демпер
history-source-manual = вручную
history-source-import = импорт
history-source-rollback = возврат цен
history-status-planned = готовится
history-status-sent = отправлено
history-status-applied = применено
history-status-failed = не применено
history-chart-caption = Цена за { $period }: ваша — синяя линия, самый дешёвый конкурент — оранжевая, ваш минимум — красный пунктир; ▲▼ — изменения цены (тёмно-синие — демпер, зелёные — вручную, файлом или возвратом).

# Bot: preorders.
command-preorders = Предзаказы: список, загрузка, Excel
preorders-header = 📦 Предзаказы · <b>{ $store }</b>
preorders-on-kaspi = В Kaspi на предзаказе: { $count }
preorders-planned = Запланировано (ещё не в Kaspi): { $count }
preorders-buttons-legend = ✏️ — изменить · 🗑 — отменить план · ⏹ — снять предзаказ в Kaspi
preorder-days = { $days } дн.
preorder-off = без предзаказа
button-preorders = 📦 Предзаказы
button-preorder-add = ➕ Добавить предзаказ
button-preorder-upload = ⬆️ Загрузить в Kaspi
button-preorder-file = 📄 Загрузить файлом
button-preorder-xlsx = 📥 Скачать Excel
button-all-points = Все точки
button-next = Далее ▶️
button-save = 💾 Сохранить
preorder-ask-sku = Какой товар поставить на предзаказ? Напишите название, часть названия или SKU:
preorder-ask-points = <b>{ $title }</b>
    На каких точках продаж предзаказ? ☑️ — предзаказ на этой точке, ⬜️ — нет. Нажмите на точку, чтобы снять или поставить отметку, затем «Далее».
preorder-ask-points-hint = Отметьте точки кнопками выше (☑️ — предзаказ на этой точке) и нажмите «Далее».
preorder-no-points = Отметьте хотя бы одну точку.
preorder-ask-days = Через сколько дней товар будет у вас? Число от 1 до { $max }:
preorder-bad-days = «{ $days }» — не подходит. Предзаказ в Kaspi — это число дней от 1 до 30.
preorder-confirm = Предзаказ <b>{ $title }</b>: { $points } — { $days } дн. Сохранить?
preorder-confirm-hint = Нажмите «Сохранить» или «Отмена».
preorder-planned = 💾 Предзаказ <b>{ $title }</b> запланирован. Загрузить в Kaspi сейчас?
preorder-unknown-product = Такого товара нет в ваших магазинах.
preorder-unknown-point = Точки { $point } нет у этого товара.
preorder-removal-planned = Снятие с предзаказа запланировано — загрузите в Kaspi.
preorder-plan-cancelled = План отменён.
preorder-plan-busy = Этот предзаказ уже загружается — отменить нельзя.
preorder-status-planned = запланирован
preorder-status-uploading = загружается
preorder-status-uploaded = загружен, ждём Kaspi
preorder-status-confirmed = в Kaspi
preorder-status-failed = ошибка
preorder-status-on-kaspi = в Kaspi
preorder-failure-not-found = товара нет в кабинете Kaspi
preorder-failure-not-shown = Kaspi не показывает предзаказ — проверьте в кабинете
preorder-failure-file-refused = Kaspi не принял файл — отправьте кнопкой «⬆️ Загрузить в Kaspi»
preorder-failure-not-sent = не отправлено — нажмите «⬆️ Загрузить в Kaspi» ещё раз
preorder-failure-points = точки продаж изменились — обновите товары: /sync
preorder-failure-other = не отправлено — попробуйте ещё раз
preorder-upload-started = ⬆️ Загружаю предзаказы в Kaspi…
preorder-file-started = 📄 Готовлю прайс-лист и загружаю файлом в кабинет Kaspi…
preorder-file-status = 📄 Файл в Kaspi: { $status }
preorder-file-processing = обрабатывается
preorder-file-flushed = обработан
preorder-file-error = ошибка
preorder-file-unfinished = Kaspi ещё обрабатывает предыдущий файл — подождём
preorder-upload-running = Загрузка уже идёт — я сообщу результат.
preorder-upload-done = Отправлено в Kaspi: { $sent } из { $total }.
preorder-outcome-sent = отправлено
preorder-outcome-unchanged = уже так в Kaspi
preorder-outcome-not-found = нет в кабинете Kaspi
preorder-outcome-refused = не отправлено
preorder-outcome-deferred = не отправлено: лимит Kaspi, повторите через 30 минут
preorder-outcome-mixed-days = в файле можно только одинаковые дни на всех точках; загрузите кнопкой «Загрузить в Kaspi»
preorder-upload-failed = Загрузка не удалась: { $reason }
preorder-confirmed = ✅ Kaspi показывает предзаказ: { $count }.
preorder-removal-confirmed = ✅ Kaspi снял предзаказ: { $count }.
preorder-not-shown = ⚠️ Kaspi не показывает предзаказ для { $count } { $count ->
        [one] товара
       *[other] товаров
    } — проверьте в кабинете Kaspi.
preorder-verify-failed = Предзаказы загружены, но проверить их в Kaspi не удалось: { $reason } Посмотрите позже: /preorders
preorder-xlsx-caption = Предзаказы: { $count }. Дни указаны по каждой точке продаж.
xlsx-preorders-sheet = Предзаказы
xlsx-title = Товар
xlsx-brand = Бренд
xlsx-price = Цена, ₸
xlsx-status = Статус

# Bot: Excel export and import.
command-export = Товары в Excel
command-import = Загрузить изменённый Excel
export-caption = Товаров: { $count }. Измените цену, «в продаже», минимум, максимум, шаг, демпер, стратегию или дни предзаказа и отправьте файл обратно — я покажу, что изменится, и спрошу подтверждение.
xlsx-products-sheet = Товары
xlsx-col-sku = SKU
xlsx-col-title = Название
xlsx-col-price = Цена, ₸
xlsx-col-onSale = В продаже
xlsx-col-min = Минимум, ₸
xlsx-col-max = Максимум, ₸
xlsx-col-step = Шаг, ₸ или %
xlsx-col-demper = Демпер
xlsx-col-strategy = Стратегия
xlsx-col-place = Место
xlsx-col-rival = Конкурент, ₸
xlsx-col-preorder = Предзаказ, { $point }, дней
xlsx-yes = да
xlsx-no = нет
xlsx-strategy-first_place = первое место
xlsx-strategy-match_leader = цена лидера
xlsx-strategy-hold = держать
xlsx-strategy-place = место { $place }
import-ask-file = Отправьте файл .xlsx, выгруженный командой /export и изменённый вами.
import-not-xlsx = Нужен файл Excel (.xlsx), выгруженный командой /export.
import-too-big = Файл больше { $mb } МБ — так много товаров за раз не загрузить. Разбейте файл на части.
import-broken = Не удалось открыть файл: он повреждён или это не Excel. Ничего не изменено.
import-foreign = Это не наш файл: нет колонки SKU или знакомых колонок. Выгрузите товары командой /export и измените этот файл.
import-preorders-file = Это файл со списком предзаказов — он только для просмотра. Чтобы изменить предзаказы файлом, выгрузите товары командой /export: там у каждой точки есть колонка «Предзаказ …, дн.». Или откройте /preorders.
import-too-many-rows = В файле больше { $max } строк — разбейте его на части. Ничего не изменено.
import-preview = 📄 <b>{ $store }</b>: прочитано строк — { $rows }. Изменится товаров: { $changes } (цены — { $prices }, в продаже — { $onSale }, демпер — { $demper }, предзаказ — { $preorders }).
import-on-sale = в продажу
import-off-sale = снять с продажи
import-demper-on = демпер вкл
import-demper-off = демпер выкл
import-demper-min = мин. { $value }
import-demper-max = макс. { $value }
import-demper-step = шаг { $value }
import-preorder-days = предзаказ { $points }
import-errors = ⚠️ Строк с ошибками: { $count } — они будут пропущены:
import-error-line = Строка { $row } ({ $sku }): { $reason }
import-nothing = Менять нечего: всё уже так.
button-import-apply = ✅ Применить ({ $count })
import-confirm-hint = Нажмите «Применить» или «Отмена».
import-applying = Применяю изменения: { $count }…
import-reason = Импорт из Excel
import-failed = Импорт прерван: { $reason } Уже отправленное записано в истории.
import-done = ✅ Готово. { $details }
import-row-no-sku = пустой SKU
import-row-unknown-sku = такого SKU нет в магазине
import-row-duplicate = SKU встречается в нескольких строках — ни одна из них не применена
import-row-bad-price = цена «{ $value }» — нужно целое число тенге, не меньше 10
import-row-bad-yes-no = «{ $value }» — нужно «да» или «нет»
import-row-bad-bound = { $column ->
        [min] «Минимум»
       *[other] «Максимум»
    }: «{ $value }» — не цена, нужно целое число тенге от 10
import-row-bad-step = шаг «{ $value }» — нужно целое число ₸ или от 1% до 20%
import-row-bad-strategy = стратегия «{ $value }» — напишите: первое место, цена лидера, держать или место 2
import-row-bad-days = предзаказ { $point } «{ $value }» — нужно число дней от 0 до 30
import-row-no-point = у товара нет точки { $point }
import-row-min-above-max = минимум { $min } больше максимума { $max }
import-row-below-floor = цена { $price } ниже минимума { $min }
import-row-price-changed-since = цена изменилась после выгрузки файла (сейчас { $price }) — строка не применена; выгрузите свежий файл: /export
import-row-demper-needs-floor = демпер без минимума не включить

# Excel import: a file that unpacks to far more than its size (zip bomb)
import-unpacked-too-big = Файл распаковывается больше чем в { $mb } МБ — это не выгрузка /export. Ничего не изменено.

# Sessions that last
stores-session-confirmed = сессия подтверждена { $at }
stores-session-renewing = бот войдёт снова сам
demper-alert-session-renewal = { $reason ->
        [code-required] Бот не смог войти сам: Kaspi просит код из письма — его можете ввести только вы.
        [credentials-invalid] Бот не смог войти сам: Kaspi не принял сохранённые e-mail и пароль.
        [merchant-missing] Бот не смог войти сам: в этой учётной записи Kaspi магазина больше нет.
        [unavailable] Бот не смог войти сам: на его сервере вход по e-mail сейчас недоступен.
       *[tries-spent] Бот не смог войти сам: Kaspi не ответил ни на одну из { $tries } попыток за час.
    }

# Forgiving reads
sync-warning-format = ⚠️ Kaspi изменил формат ответа: поля <code>{ $field }</code> нет у { $missing } из { $of } товаров. Остальное обновлено, удалённые не отмечены; мы уже разбираемся.
sync-warning-short = ⚠️ Прочитано { $read } из { $total }, удалённые не отмечены: Kaspi отдал список не полностью. Повторите /sync позже.
sync-warning-no-total = ⚠️ Kaspi не сообщил, сколько всего товаров, поэтому удалённые не отмечены.
sync-warning-unidentified = ⚠️ Товаров без артикула в ответе Kaspi: { $count } — удалённые не отмечены.
sync-warning-skipped = ⚠️ Не удалось прочитать товаров: { $count } — они оставлены как были.
sync-warning-unpriced = ⚠️ Kaspi не прислал цену товаров: { $count } — у них оставлена прежняя цена.

# Login answers and e-mail login without a browser
kaspi-login-code-expired = Код подтверждения больше не действует — нужен новый.
kaspi-login-email-unavailable = Вход по e-mail сейчас недоступен — войдите по SMS.
kaspi-login-choose-merchant = Kaspi просит выбрать магазин для этого входа. Войдите снова из чата, чтобы выбрать его: /login
login-sms-code-expired = Код из SMS больше не действует. Нажмите «Новый код» — Kaspi пришлёт новый.
login-sms-email-code = Kaspi также отправил код на почту { $email }. Введите код из письма:
login-email-code-invalid = Неверный код из письма Kaspi. Проверьте цифры и отправьте код ещё раз.
login-email-not-a-code = Код — это цифры из письма Kaspi. Попробуйте ещё раз.
login-email-code-renewed = Код устарел — Kaspi отправил новый на почту. Введите его:
login-email-flood = Kaspi просит подождать перед новым кодом: ещё { $seconds } сек. Затем введите пароль снова.
login-code-wait = Kaspi просит подождать: ещё { $seconds } сек. Затем отправьте код ещё раз.
kaspi-login-page-slow = Страница входа Kaspi не ответила вовремя. Попробуйте ещё раз чуть позже: /login

# Prices per city
preorder-outcome-stock-unknown = Kaspi не показал остаток товара на точке, а файл перезаписал бы его; загрузите кнопкой «Загрузить в Kaspi»
import-row-city-not-sold = товар не продаётся в городе { $city } — цену там не поставить
import-row-price-and-city-price = заполнены и «Цена» (во всех городах), и цена для города { $city } — оставьте одну из них
demper-settings-twice = «{ $name }» указан дважды — какое значение верное? Напишите его один раз. Для своего минимума города отправьте отдельное сообщение: город=Астана мин=…
xlsx-col-city-price = Цена, { $city }, ₸
xlsx-col-city-min = Минимум, { $city }, ₸
city-unknown = Города «{ $city }» нет среди точек магазина. Города магазина: { $cities }.
offers-our-price = Ваша цена здесь: { $price }
preorder-outcome-city-prices = в файле одна цена на все города, а у товара цены по городам разные; загрузите кнопкой «Загрузить в Kaspi»
button-price-all-cities = Во всех городах
button-price-one-city = Только { $city }
price-which-cities = <b>{ $title }</b>: цены по городам разные:
    { $now }
    Поставить { $price } во всех городах или только в одном?
price-city-not-sold = <b>{ $title }</b> не продаётся в городе { $city } — там цену не поставить.
price-refused = ⚠️ <b>{ $title }</b>: Kaspi не принял цену — { $reasons }. Ничего не изменено.
price-cannot-write = ⚠️ <b>{ $title }</b>: Kaspi не показал цену товара в одном из городов, поэтому ничего не отправлено. Обновите товары (/sync) и попробуйте снова.
availability-refused-line = ⚠️ { $title }: Kaspi не принял — { $reasons }
kaspi-refusal-price-too-low = цена ниже 10 ₸
kaspi-refusal-unknown-point = точка продаж не найдена в кабинете
kaspi-refusal-no-stock = не указано наличие
kaspi-refusal-offer-blocked = товар заблокирован модерацией Kaspi — подробности в кабинете
kaspi-refusal-unknown = Kaspi не объяснил причину
demper-city-override = 🏙 { $city }: мин. { $min }, макс. { $max }, шаг { $step }
demper-settings-reset-needs-city = «Сброс» возвращает город к общим настройкам товара — укажите город: город=Астана сброс
demper-settings-city-bounds-only = Для отдельного города можно задать только мин., макс. и шаг. Стратегию и интервал задайте для товара целиком, без «город=».
demper-settings-city-step-tenge = Шаг для отдельного города задаётся в тенге, например: город=Астана шаг=10

# --- demper-v2-ui ---
button-demper-store-on = ▶️ Включить демпер магазина
button-demper-filter-intercity = Не учитывать другие города: { $state }
button-demper-filter-unproven = Не учитывать новичков: { $state }
demper-filter-switched-on = Фильтр включён
demper-filter-switched-off = Фильтр выключен
demper-floor-raised = Минимум { $typed } ниже минимальной цены Kaspi — поставили { $floor }.
import-floor-raised = минимум { $typed } ниже минимальной цены Kaspi — будет { $floor }
demper-store-switch-off = ⏸ Демпер магазина <b>{ $store }</b> выключен: пока он выключен, товары не проверяются.
demper-first-check = Первая проверка — в течение { $minutes } мин.
demper-store-first-check = Товаров с демпером: { $count }. Первая проверка — в течение { $minutes } мин.
demper-store-switched-on = ▶️ Демпер магазина <b>{ $store }</b> включён.
demper-product-filters = Не учитываем продавцов: из другого города { $intercity }, с рейтингом ниже 4.0 и меньше чем 10 отзывами { $unproven }
demper-reason-price-war-probe = { $rival } отвечает на каждое наше снижение в течение одной проверки — это бот. Один раз ставим ваш минимум { $new }, чтобы увидеть, где он остановится, а потом встанем чуть ниже его минимума.
demper-reason-price-war-end = { $rival } не опускается ниже { $rivalFloor } — ставим { $new }, на { $step } дешевле, и держим. Ценовая война окончена.
demper-reason-price-war-retreat = { $rival } в ответ на каждое снижение уходит ниже вашего минимума { $floor } — перестаём воевать: { $place }-е место за { $new }, чуть дешевле { $anchor } ({ $anchorPrice }). Позже посмотрим снова.
demper-reason-unreachable-first = { $rival } продаёт за { $rivalPrice } — ниже вашего минимума { $floor }: первое место — только при мин. ниже { $needFloor }. Берём { $place }-е место: { $new }, на { $step } дешевле { $anchor } ({ $anchorPrice }).
demper-reason-unreachable-ceiling = { $rival } продаёт за { $rivalPrice } — ниже вашего минимума { $floor }: первое место — только при мин. ниже { $needFloor }. Выше минимума нет продавца, под которым можно встать, — ставим максимум { $new }.
demper-reason-rival-raised = { $rival } (теперь самый дешёвый конкурент) поднял цену до { $rivalPrice } — поднимаем до { $new }, всё ещё первые.
demper-reason-reversal-limit = Цена за последний час уже ходила вверх и вниз (разворотов: { $count }) — держим { $old }, чтобы не раскачивать рынок.
demper-digest-waited = Ещё { $count } изменений ждут: у Kaspi лимит 250 изменений за 30 минут, сделаем их в следующие проверки.
demper-reason-undercut-filtered = { $rival } продаёт за { $rivalPrice }, но везёт из другого города или почти без отзывов: покупатель доплатит около 10 %, чтобы не ждать. Ставим { $new } — первые для покупателя (с поправкой — { $anchorPrice }).
price-write-busy = ⏳ Цену этого товара сейчас меняет демпер или другое действие. Ничего не отправлено — попробуйте ещё раз через минуту.
demper-tap-hint = Нажмите кнопку, чтобы изменить настройку. Одной строкой: /demper { $sku } вкл мин=… макс=… шаг=…
demper-tap-city = 🏙 <b>{ $city }</b>: мин. { $min }, макс. { $max }, шаг { $step } — кнопки ниже меняют только этот город.
demper-tap-strategy-ask = 🎯 Как демперу держать цену?
demper-tap-step-ask = 👣 На сколько дешевле конкурента ставить цену?
demper-tap-city-ask = 🏙 Для какого города задать свои мин., макс. и шаг?
demper-tap-saved = ✅ Сохранено
demper-tap-floor-first = Сначала задайте минимум: «Мин −5 %», «Мин −10 %» или «✏️ Свой мин.».
button-tap-on = ▶️ Включить
button-tap-off = ⏸ Выключить
button-tap-strategy = 🎯 Стратегия
button-tap-floor = Мин −{ $percent } %
button-tap-floor-enter = ✏️ Свой мин.
button-tap-step = 👣 Шаг
button-tap-step-enter = ✏️ Свой шаг
button-tap-city = 🏙 Город
button-tap-walk = 📝 Пошагово
button-tap-text = ⌨️ Текстом
button-tap-back = « Назад
button-tap-all-cities = « Все города
button-tap-city-reset = Как у товара
button-tap-strategy-f = 🥇 1-е место
button-tap-strategy-m = 👑 Цена лидера
button-tap-strategy-p2 = 🥈 2-е место
button-tap-strategy-h = ✋ Держать
demper-setup-ask-min = ({ $n }/{ $total }) <b>Минимум</b> для { $title }: ниже этой цены демпер не опустится. Сейчас: { $current }, цена: { $price }. Напишите сумму, например { $example }.
demper-setup-ask-max = ({ $n }/{ $total }) <b>Максимум</b> для { $title }: выше демпер не поднимет. Сейчас: { $current }. Напишите сумму или нажмите «Без максимума».
demper-setup-ask-step = ({ $n }/{ $total }) <b>Шаг</b> для { $title }: на сколько дешевле конкурента. Сейчас: { $current }. Напишите сумму в тенге (10) или процент (1%).
demper-setup-ask-enable = Включить демпер для этого товара сейчас?
demper-setup-hint = Напишите значение или нажмите «Пропустить» или «Отмена».
demper-setup-enable-hint = Нажмите «Включить» или «Не сейчас».
demper-setup-bad-price = «{ $value }» — не цена. Напишите целую сумму в тенге, например 12 000.
demper-setup-negative = Цена не может быть отрицательной («{ $value }»). Напишите сумму от { $min } ₸.
demper-setup-under-kaspi-min = Kaspi не принимает цены ниже { $min } ₸ — напишите сумму от { $min } ₸.
demper-setup-bad-step = «{ $value }» — не шаг. Напишите целую сумму в тенге (10) или процент от 1 до { $max } (1%).
demper-setup-max-below-min = Максимум { $max } ниже минимума { $min } — напишите сумму не меньше { $min } или нажмите «Пропустить».
demper-setup-min-above-max = Минимум { $min } выше максимума { $max } — напишите сумму не больше { $max } или нажмите «Пропустить».
button-skip = ⏭ Пропустить
button-no-ceiling = Без максимума
button-enable-now = ▶️ Включить
button-not-now = Не сейчас
left-demper-setup = Настройка демпера отменена.
availability-on-applied = ✅ «{ $title }» снова в продаже: Kaspi применил.
availability-off-applied = ✅ «{ $title }» снят с продажи: Kaspi применил.
availability-not-applied-one = ⚠️ «{ $title }»: Kaspi пока не применил изменение. Проверьте товар в кабинете или попробуйте ещё раз.
availability-already-on = Товар уже в продаже. Карточка обновлена.
availability-already-off = Товар уже снят с продажи. Карточка обновлена.
card-price-pending = ⏳ Отправлено в Kaspi: { $prices } — ждём подтверждения.
button-change-floor = ✏️ Изменить минимум
demper-alert-keep = Держим { $price } — { $place }-е место{ $needFloor ->
    [none] .
   *[other] ; первое место — только при минимуме ниже { $needFloor }.
}
demper-alert-move = Ставим { $price } вместо { $old } — { $place }-е место{ $needFloor ->
    [none] .
   *[other] ; первое место — только при минимуме ниже { $needFloor }.
}
demper-alert-propose = Предлагаем { $price } вместо { $old } — { $place }-е место{ $needFloor ->
    [none] .
   *[other] ; первое место — только при минимуме ниже { $needFloor }.
}
sync-done-added = новых: { $count }
sync-done-changed = изменилось: { $count }
sync-done-removed = удалено: { $count }
sync-done-nothing = Изменений нет.
import-done-settings = настройки демпера — { $count }
import-done-on-sale = в продаже — { $count }
import-done-prices = цены — { $count }
import-done-preorders = предзаказы — { $count }
import-done-nothing = Изменений нет.
import-done-deferred = Не отправлено из-за лимита Kaspi — { $count }: отправьте этот же файл ещё раз через 30 минут.
import-done-failed = Не удалось — { $count }.
import-done-all-sent = Всё отправлено в Kaspi.
store-removed-last = Магазин <b>{ $name }</b> удалён вместе с данными входа. Других магазинов нет — подключите магазин: /login
demper-store-off-vs-stop = ⏸ Выключить — выключатель этой панели (▶️ включает снова); ⛔ Остановить — то же срочно, из любой сводки демпера, с отчётом об отменённых изменениях.

# The main menu's sync button: two buttons share its row on a phone.
button-menu-sync = 🔄 Обновить

# Products by name: every command and step that asks for a product
product-lookup-none = Товар «{ $query }» не найден в активном магазине — ни по названию, ни по SKU. Проверьте написание или откройте список: /products
product-lookup-several = По «{ $query }» нашлось товаров: { $count }. Какой из них?
product-lookup-more = Показаны первые { $shown } из { $count } — напишите название точнее, чтобы увидеть остальные.
batch-ambiguous = Под эти слова подходит несколько товаров — напишите название точнее или укажите SKU: { $names }
xlsx-preorder-days = { $point }, дней
batch-sent-disable = ⏳ Снимаются с продажи: { $count }. Отправлено в Kaspi, сообщение обновится, когда Kaspi это применит.
batch-sent-enable = ⏳ Возвращаются в продажу: { $count }. Отправлено в Kaspi, сообщение обновится, когда Kaspi это применит.
batch-applied-disable = ✅ Снято с продажи: { $count }. Kaspi применил.
batch-applied-enable = ✅ Возвращено в продажу: { $count }. Kaspi применил.
history-chart-ours = Ваша цена
history-chart-ours-city = Ваша цена, { $city }
history-chart-rival = Самый дешёвый конкурент
history-chart-floor = Ваш минимум
history-chart-changes-demper = Изменения демпера
history-chart-changes-other = Изменения вручную
history-chart-hours = { $hours } ч
history-chart-days = { $days ->
    [one] { $days } день
    [few] { $days } дня
   *[other] { $days } дней
}
history-chart-caption-cities = Цена за { $period }: ваши цены по городам — линии своих цветов (см. легенду), самый дешёвый конкурент — оранжевая, ваш минимум — красный пунктир; ▲▼ — изменения цены (тёмно-синие — демпер, зелёные — вручную, файлом или возвратом).
button-store-relogin = 🔑 Войти
