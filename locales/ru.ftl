# Kaspi errors, as a seller reads them. Variables: $seconds, $minutes.
kaspi-error-session-expired = Сессия Kaspi истекла. Войдите в кабинет снова — это займёт минуту.
kaspi-error-rate-limited = Kaspi временно ограничил изменения для магазина. Продолжим автоматически примерно через { $minutes } мин. Ничего не потеряется.
kaspi-error-ip-blocked = Kaspi временно не отвечает на наши запросы. Повторим сами через несколько минут.
kaspi-error-transient = Kaspi сейчас не отвечает. Мы ничего не изменили — попробуйте ещё раз чуть позже.
kaspi-error-bad-request = Kaspi отклонил запрос: { $code }. Данные магазина не изменены.
kaspi-error-schema = Kaspi изменил формат ответа. Мы остановили действие, чтобы ничего не испортить, и уже разбираемся.
kaspi-login-flood = Kaspi просит подождать перед новым кодом: ещё { $seconds } сек. Затем отправьте номер снова.
kaspi-login-code-invalid = Неверный код из SMS. Проверьте цифры и отправьте код ещё раз.
kaspi-login-code-attempts = Слишком много неверных кодов. Начните вход заново: /login
kaspi-login-credentials-invalid = Неверный e-mail или пароль от кабинета Kaspi.
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
demper-reason-floor-reached = { $rival } продаёт за { $rivalPrice } — это ниже вашего минимума { $floor }. Не опускаемся, держим { $old }.
demper-reason-below-floor-fix = Цена { $old } была ниже вашего минимума — ставим минимум { $floor }.
demper-reason-above-ceiling-fix = Цена { $old } была выше вашего максимума — ставим максимум { $ceiling }.
demper-reason-max-drop-limited = { $rival } продаёт за { $rivalPrice } — снижаем постепенно: сейчас до { $new }.
demper-reason-price-war-jump = { $rival } отвечает на каждое снижение — сразу ставим { $new }, где ценовая война закончится.
demper-reason-price-war-hold = { $rival } отвечает на каждое снижение — держим { $old }, как вы выбрали.
demper-reason-strategy-hold = Стратегия «держать цену»: { $old } без изменений.
demper-reason-invalid-settings = Настройки демпера неполные или противоречат друг другу — цену не трогаем.
