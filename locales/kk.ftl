# Kaspi қателері, сатушы оқитындай. Айнымалылар: $seconds, $minutes.
kaspi-error-session-expired = Kaspi кабинетіне кіру мерзімі аяқталды. Қайта кіріңіз — бұл бір минуттай уақыт алады.
kaspi-error-rate-limited = Жіберілмеді: Kaspi бұл дүкен үшін өзгерістерді уақытша шектеді. Шамамен { $minutes } минуттан кейін қайталап көріңіз.
kaspi-error-requests-limited = Kaspi сұрауларды біраз кідіртуді сұрайды. Шамамен { $minutes } минуттан кейін қайталап көріңіз.
kaspi-error-ip-blocked = Kaspi біздің сұрауларымызға уақытша жауап бермей тұр. Ештеңе өзгертілмеді — бірнеше минуттан кейін қайталап көріңіз.
kaspi-error-transient = Kaspi қазір жауап бермей тұр. Біз ештеңе өзгерткен жоқпыз — сәл кейінірек қайталап көріңіз.
kaspi-error-bad-request = Kaspi сұрауды қабылдамады: { $code }. Дүкен деректері өзгертілген жоқ.
kaspi-error-schema = Kaspi жағында бірдеңе өзгерді. Ештеңені бүлдірмеу үшін әрекетті тоқтаттық, қазір қарап жатырмыз.
kaspi-login-flood = Kaspi жаңа кодты сұрамас бұрын күте тұруды сұрайды: тағы { $seconds } секунд. Содан кейін нөмірді қайта жіберіңіз.
login-sms-resend-wait = Жаңа кодты { $seconds } секундтан кейін сұрауға болады. Әзірге соңғы SMS-тегі кодты енгізіңіз.
kaspi-login-code-invalid = SMS коды қате. Сандарды тексеріп, кодты қайта жіберіңіз.
kaspi-login-code-attempts = Қате кодтар тым көп. Кіруді қайта бастаңыз: /login
kaspi-login-credentials-invalid = Kaspi кабинетінің e-mail немесе құпия сөзі қате.
kaspi-login-no-merchants = Бұл Kaspi аккаунтына бірде-бір дүкен байланыстырылмаған.
kaspi-login-no-permissions = Бұл аккаунттың Kaspi-де дүкенді басқаруға құқығы жоқ.
kaspi-login-phone-unknown = Kaspi бұл нөмірмен сатушы кабинетін таппады.
kaspi-login-phone-invalid = Бұл қазақстандық ұялы нөмірге ұқсамайды. Мысал: +7 701 234 56 78
kaspi-login-timeout = Кіру уақыты аяқталды. Қайта бастаңыз: /login
kaspi-login-restart = Kaspi кіруді тоқтатты. Қайта бастаңыз: /login
kaspi-login-in-progress = Бұл аккаунтқа кіру жүріп жатыр. Кодты күтіңіз немесе бір минуттан кейін қайта бастаңыз.
kaspi-login-failed = Kaspi-ге кіру мүмкін болмады. Қайталап көріңіз: /login

# Демпер: неге мұндай баға. Айнымалылар: $old, $new, $rival, $rivalPrice, $floor, $ceiling, $place, $step.
demper-reason-undercut-leader = { $rival } { $rivalPrice } бағасымен сатады — бірінші болу үшін { $step }-ге арзанырақ, { $new } қоямыз.
demper-reason-match-leader = { $rival } { $rivalPrice } бағасымен сатады — дәл сондай баға қоямыз.
demper-reason-target-place = { $place }-орынды ұстаймыз: { $rival } { $rivalPrice }, біз { $new } қоямыз.
demper-reason-raise-to-gap = Біз бірінші орында, бәсекелестен едәуір арзанбыз: { $rival } { $rivalPrice } — бағаны { $new }-ге дейін көтереміз, бәрібір ең арзан боламыз.
demper-reason-already-first = Біз қазірдің өзінде біріншіміз: { $rival } қымбатырақ ({ $rivalPrice }). { $old } бағасы өзгеріссіз.
demper-reason-already-optimal = { $old } — қазіргі жағдайда ең тиімді баға.
demper-reason-raise-cooldown = Бағаны көтеруге болады, бірақ жақында түсіргеннен кейін нарықтың тынышталуын күтеміз.
demper-reason-no-rivals-hold = Бәсекелестер жоқ — { $old } бағасы өзгеріссіз.
demper-reason-no-rivals-ceiling = Бәсекелестер жоқ — { $ceiling } максимумына дейін көтереміз.
demper-reason-floor-reached = { $rival } { $rivalPrice } бағасымен сатады — бұл сіздің { $floor } минимумыңыздан төмен, ал минимумнан жоғары астына тұратын сатушы жоқ. { $old } ұстаймыз.
demper-reason-below-floor-fix = { $old } бағасы минимумыңыздан төмен еді — { $floor } минимумын қоямыз.
demper-reason-above-ceiling-fix = { $old } бағасы максимумыңыздан жоғары еді — { $ceiling } максимумын қоямыз.
demper-reason-max-drop-limited = { $rival } { $rivalPrice } бағасымен сатады — біртіндеп түсіреміз: қазір { $new }-ге дейін.
demper-reason-price-war-jump = { $rival } біздің әр түсіруімізге жауап береді. Біртіндеп түспеу үшін бірден { $new } қоямыз (минимумыңыздан ({ $floor }) төмен емес).
demper-reason-price-war-hold = { $rival } әр түсіруге жауап береді — өзіңіз таңдағандай { $old } ұстаймыз.
demper-reason-strategy-hold = «Бағаны ұстау» стратегиясы: { $old } өзгеріссіз.
demper-reason-invalid-settings = Демпер баптаулары толық емес немесе бір-біріне қайшы — бағаға тиіспейміз.

# Bot: welcome and menu. HTML parse mode: only <b>, <i>, <code>.
welcome = Сәлеметсіз бе, { $name }! Мен Kaspi сатушыларына көмектесемін: тауарлар, бағалар, бәсекелестер және автоматты демпинг — тікелей Telegram-да.
    Бастау үшін дүкеніңізді қосыңыз: «Кіру» түймесін басыңыз.
welcome-back = Қайта оралуыңызбен, { $name }! Белсенді дүкен: <b>{ $store }</b>.
help = <b>Не істей аламын</b>
    /login — Kaspi дүкенін қосу (SMS немесе e-mail)
    /stores — дүкендер: белсендісін таңдау, қайта кіру, жою
    /sync — тауарларды Kaspi-ден жүктеу
    /products [мәтін] — тауарлар және іздеу
    /price &lt;тауар&gt; &lt;баға&gt; [қала] — бағаны өзгерту (барлық жерде немесе бір қалада)
    /enable, /disable [тауарлар…] — сатылымға қосу немесе алу
    /offers &lt;тауар&gt; [қала] — қаладағы тауар бойынша бәсекелестер
    /demper [тауар …] — демпер: күйі, қосу/өшіру, баптаулар
    /history &lt;тауар&gt; — баға тарихы мен графигі
    Тауар — атауы, атауының бір бөлігі немесе SKU: «/price шәйнек 12 990».
    /preorders — алдын ала тапсырыстар: қосу, Kaspi-ге жүктеу, Excel
    /export, /import — тауарлар Excel-ге және кері
    /settings — тіл және хабарламалар
    /cancel — ағымдағы әрекетті болдырмау
    /logout — дүкенді және кіру деректерін жою
button-products = 📦 Тауарлар
button-sync = 🔄 Синхрондау
button-sync-retry = 🔄 Қайталау
button-enable = ✅ Сатуға
button-disable = ⛔ Сатудан
button-stores = 🏪 Дүкендер
button-login = 🔑 Кіру
button-settings = ⚙️ Баптаулар
button-help = ❓ Көмек
button-cancel = Болдырмау
button-yes = Иә
button-no = Жоқ
button-outdated = Бұл түйме ескірген. Мәзірді қайта ашыңыз: /start
menu-outdated = Мәзір жаңарды, қайта басыңыз.
unknown-command = Мұндай команда жоқ. Мен істей алатындар:
unhandled = Хабарламаны түсінбедім. Мәзірден әрекетті таңдаңыз:
cancelled = Тоқтатылды.
nothing-to-cancel = Қазір болдырмайтын ештеңе жоқ.
left-sms-login = Kaspi-ге кіру үзілді. SMS-тегі код әлі керек болса, қайта бастаңыз: /login
left-email-login = Kaspi-ге кіру үзілді. Қайта бастау: /login
left-price-edit = Бағаны өзгерту тоқтатылды.
left-demper-settings = Демперді баптау тоқтатылды.
left-preorder-edit = Алдын ала тапсырыс сақталмады.
left-excel-import = Excel жүктеу тоқтатылды — ештеңе өзгертілмеді.
error-generic = Бірдеңе дұрыс болмады — біз қарап жатырмыз. Қайталамас бұрын бағаларды /products арқылы тексеріңіз.
access-denied = Қолжетімсіз: бұл дүкен немесе тауар жойылған не басқа сатушыға тиесілі. Тізімді қайта ашыңыз: /products немесе /stores.
slow-down = Тым жиі сұрап жатырсыз. { $seconds } секундтан кейін қайталаңыз.
press-repeated = Бұл түйме басылып қойған — жауап чатта.
no-store = Алдымен Kaspi дүкенін қосыңыз: /login

# Bot: commands in Telegram's menu.
command-start = Басты мәзір
command-help = Бот не істей алады
command-login = Kaspi дүкенін қосу
command-stores = Менің дүкендерім
command-sync = Тауарларды Kaspi-ден жүктеу
command-products = Тауарлар және іздеу
command-price = Бағаны өзгерту: /price тауар баға
command-enable = Тауарларды сатылымға қосу
command-disable = Тауарларды сатылымнан алу
command-offers = Тауар бойынша бәсекелестер
command-settings = Тіл және хабарламалар
command-cancel = Әрекетті болдырмау
command-logout = Дүкенді жою

# Bot: login.
login-choose-method = Kaspi кабинетіне қалай кіресіз?
button-login-sms = 📱 Телефон нөмірі арқылы (SMS)
button-login-email = ✉️ E-mail және құпиясөз арқылы
login-sms-ask-phone = Kaspi кабинетіне байланған телефон нөмірін жіберіңіз немесе төмендегі түймені басыңыз. Мысалы: +7 701 234 56 78
login-sms-ask-phone-again = Телефон нөмірі керек: оны жазыңыз немесе «Нөмірмен бөлісу» түймесін басыңыз.
button-share-phone = 📱 Нөмірмен бөлісу
login-sms-phone-accepted = { $phone } нөмірі қабылданды.
login-sms-ask-code = Kaspi { $phone } нөміріне SMS-код жіберді. Кодты енгізіңіз:
login-sms-ask-code-again = SMS-тегі кодты сандармен енгізіңіз немесе «Жаңа код» түймесін басыңыз.
login-sms-code-resent = Жаңа код { $phone } нөміріне жіберілді. Енгізіңіз:
login-sms-not-a-code = Код — SMS-тегі 4–6 цифрдан тұратын сан. Қайталап көріңіз.
button-resend-code = 🔁 Жаңа код
login-email-ask-email = Kaspi кабинетінің e-mail-ін енгізіңіз:
login-email-invalid = Бұл e-mail-ге ұқсамайды. Мысалы: shop@example.kz
login-email-ask-password = Құпиясөзді енгізіңіз. Хабарламаны бірден чаттан өшіремін, ал құпиясөзді тек шифрланған түрде сақтаймын.
login-email-wait = Kaspi кабинетіне кіріп жатырмын… Бұл бір минутқа дейін созылуы мүмкін.
login-email-ask-code = Kaspi растау кодын жіберді. Оны енгізіңіз:
login-choose-merchant = Бұл аккаунтқа бірнеше дүкен байланған. Қайсысын қосамыз?
login-choose-merchant-hint = Жоғарыдағы түймемен дүкенді таңдаңыз немесе «Болдырмау» басыңыз.
login-merchant-connected = { $name } · ✅ қосулы
login-connected = <b>{ $name }</b> дүкені қосылды ({ $points } сату нүктесі). Тауарларды жүктейміз бе?
login-gave-up = Кіру сәтсіз аяқталды. Дайын болғанда қайта бастаңыз: /login
gave-up = Болмады, ештеңе өзгертілмеді. Дайын болғанда қайта бастаңыз.

# Bot: stores.
stores-none = Әзірге дүкен жоқ. Біріншісін қосыңыз: /login
stores-header = <b>Сіздің дүкендеріңіз</b>
stores-line-active = { $active }<b>{ $name }</b> (ID { $merchant }) — қосулы
stores-line-expired = { $active }<b>{ $name }</b> (ID { $merchant }) — ⚠️ қайта кіру керек
stores-line-none = { $active }<b>{ $name }</b> (ID { $merchant }) — кіру орындалмаған
button-make-active = «{ $name }» таңдау
button-relogin = 🔑 Қайта кіру
button-remove = 🗑 Жою
button-add-store = ➕ Дүкен қосу
store-activated = Белсенді дүкен: { $name }
store-remove-ask = <b>{ $name }</b> дүкенін жоямыз ба? Сақталған кіру деректері, тауарлар және баға тарихы жойылады. Kaspi-дің өзінде ештеңе өзгермейді.
button-remove-yes = Иә, жою
store-removed = <b>{ $name }</b> дүкені кіру деректерімен бірге жойылды. Дүкендеріңіз: /stores

# Bot: sync.
sync-ask = <b>{ $store }</b> дүкенінің тауарларын Kaspi-ден жүктейміз бе?
sync-started = 🔄 <b>{ $store }</b> синхрондалуда…
sync-progress = 🔄 <b>{ $store }</b>: { $total } ішінен { $fetched } синхрондалды
sync-done = ✅ <b>{ $store }</b>: синхрондалған тауарлар — { $total }. { $details }
sync-failed = Синхрондау аяқталмады: { $reason }
sync-already-running = Синхрондау жүріп жатыр — аяқталғанда хабарлаймын.

# Bot: products.
products-header = <b>{ $store }</b>: { $total } тауар, бет: { $page }/{ $pages }
products-found = «{ $search }» бойынша табылды: { $total }, бет: { $page }/{ $pages }
products-none-found = «{ $search }» бойынша ештеңе табылмады.
products-empty = <b>{ $store }</b> дүкенінде әзірге тауар жоқ. Оларды Kaspi-ден жүктеңіз.
product-not-found = Белсенді дүкенде <code>{ $sku }</code> SKU тауары жоқ. Тізім: /products
card-sku = SKU <code>{ $sku }</code> · Kaspi коды { $masterSku }
card-price = Баға: <b>{ $price }</b>
card-on-sale = 🟢 Сатылымда
card-off-sale = ⚪️ Сатылымнан алынған
card-place = Сатушылар арасындағы орын: { $place } (ең арзан бәсекелес: { $rival }; { $checked } тексерілді)
card-demper-on = Демпер: қосулы, мин. { $min }, макс. { $max }, қадам { $step }
card-demper-off = Демпер: өшірулі (мин. { $min }, макс. { $max })
button-edit-price = ✏️ Жаңа баға
button-take-off-sale = ⛔ Сатылымнан алу
button-put-on-sale = ✅ Сатылымға қайтару
button-competitors = 👥 Бәсекелес
button-back-to-list = « Тізімге
button-back-to-card = « Тауарға

# Bot: prices.
price-usage = Пішімі: /price тауар баға [қала], тауар — атауы, атауының бір бөлігі немесе SKU. Мысалы: /price шәйнек tefal 12990 немесе бір қалада ғана: /price 123456 12990 Астана
price-ask = <b>{ $title }</b>
    Қазір: { $price }, сіздің минимумыңыз: { $floor }.
    Жаңа бағаны теңгемен енгізіңіз:
price-ask-again = Бағаны санмен енгізіңіз, мысалы 12990, немесе «Болдырмау» басыңыз.
price-invalid = «{ $text }» — баға емес. Бүтін теңге енгізіңіз, мысалы 12990.
price-below-kaspi-minimum = Kaspi { $minimum }-ден төмен бағаны қабылдамайды.
price-below-floor = <b>{ $title }</b>: { $price } сіздің минимумыңыздан ({ $floor }) төмен. Бәрібір қоямыз ба?
price-big-drop = <b>{ $title }</b>: { $price } — қазіргі бағадан ({ $old }) { $percent }%-ға арзан. Нөл түсіп қалған жоқ па? { $price } қоямыз ба?
price-confirm-stale = <b>{ $title }</b> бағасы өзгеріп қойған: қазір { $current }. Бұл түйме ескірді — жаңа бағаны қайта жіберіңіз.
price-big-rise = <b>{ $title }</b>: { $price } — қазіргі бағадан ({ $old }) { NUMBER($times, maximumFractionDigits: 1) } есе қымбат. Артық нөл терілген жоқ па? { $price } қоямыз ба?
button-confirm-below-floor = Иә, { $price } қою
price-offer-gone = «{ $title }» Kaspi кабинетінде табылмады. Тауарларды жаңартыңыз: /sync
price-unchanged = «{ $title }» бағасы қазірдің өзінде { $price } — ештеңе өзгертпедік.
price-sent = ⏳ <b>{ $title }</b>: { $old } → { $new }. Kaspi-ге жіберілді, бағаның Kaspi-де шыққанын тексеріп жатырмын…
price-applied = ✅ <b>{ $title }</b>: { $old } → { $new }. Жаңа баға Kaspi-де шықты.
price-not-applied = ⚠️ <b>{ $title }</b>: Kaspi-де { $new } бағасы шықпады. Тауарды кабинетте тексеріңіз немесе қайталап көріңіз.
price-already-sent = «{ $title }» үшін { $price } бағасы Kaspi-ге жіберіліп қойған — оның қолданылуын күтеміз.
price-reason-manual = Telegram-да қолмен өзгертілді

# Bot: on/off sale.
availability-sending = Kaspi-ге жіберіп жатырмын…
availability-on-done = ✅ «{ $title }» сатылымға қайтарылды.
availability-off-done = ⛔ «{ $title }» сатылымнан алынды.
availability-on-sent = ⏳ «{ $title }» сатылымға қайтарылуда: Kaspi-ге жіберілді, Kaspi қолданғанда карточка жаңарады.
availability-off-sent = ⏳ «{ $title }» сатылымнан алынуда: Kaspi-ге жіберілді, Kaspi қолданғанда карточка жаңарады.
availability-failed = «{ $title }» өзгертілмеді: кабинетте табылмады. Тауарларды жаңартыңыз: /sync
availability-not-applied = ⚠️ Kaspi { $count } тауар бойынша өзгерісті әлі қолданбады. Оларды кабинетте тексеріңіз.
batch-select-disable = Сатылымнан алатын тауарларды белгілеңіз. Таңдалды: { $total } ішінен { $selected }.
batch-select-enable = Сатылымға қайтаратын тауарларды белгілеңіз. Таңдалды: { $total } ішінен { $selected }.
batch-nothing-disable = Барлық тауар сатылымнан алынған.
batch-nothing-enable = Барлық тауар сатылымда.
button-select-page = Беттегінің бәрін таңдау
button-batch-done = Дайын ({ $count })
batch-empty = Ештеңе таңдалмады.
batch-expired = Тізім ескірді, оны қайта ашыңыз.
batch-too-many = Бір жолы ең көбі { $max } тауар таңдауға болады.
batch-unknown-skus = Белсенді дүкенде атауы бойынша да, SKU бойынша да табылмады: { $skus }
batch-confirm-disable = { $count } тауарды сатылымнан аламыз ба? Қалдықтар мен басқа баптаулар өзгермейді.
batch-confirm-enable = { $count } тауарды сатылымға қайтарамыз ба?
batch-sending = Kaspi-ге { $count } тауар жіберіп жатырмын…
batch-done-disable = ⛔ Сатылымнан алынды: { $count }.
batch-done-enable = ✅ Сатылымға қайтарылды: { $count }.
batch-deferred = Жіберілмеді: { $count }. Kaspi 30 минутта шектеулі өзгеріске рұқсат береді — 30 минуттан кейін қайталаңыз.
batch-skipped = Өткізіп жіберілді (кабинетте жоқ): { $count }.

# Bot: competitors.
offers-usage = Пішімі: /offers тауар [қала] (атауы, атауының бір бөлігі немесе SKU), мысалы /offers шәйнек tefal Астана
offers-header = <b>{ $title }</b> — { $city }, сатушылар: { $total }
offers-none = Басқа сатушылар жоқ.
offers-yours = сіз
offers-preorder = алдын ала тапсырыс { $days } күн
offers-more = …және тағы { $count }

# Bot: settings.
settings = Тіл: { $language }
    Хабарламалар: { $notify }
    Тыныш сағаттар: { $quiet }
    Тыныш сағаттарда демпер хабарлары дыбыссыз келеді.
quiet-none = жоқ
button-quiet-off = 🔔 Әрқашан
notify-all = Барлығы
notify-important = Маңыздылары
notify-off = Өшірулі

# Bot: demper.
command-demper = Демпер: күйі және баптаулары
command-history = Тауар бағасының тарихы
button-demper = 🤖 Демпер
button-history = 📈 Тарих
button-open-product = Тауарды ашу
button-demper-stop = ⛔ Демперді тоқтату
button-demper-rollback = ↩️ Бұрынғы бағаларды қайтару
button-demper-rollback-yes = Иә, қайтару
button-demper-on = ▶️ Қосу
button-demper-off = ⏸ Өшіру
button-demper-dry = 🧪 Сынақ
button-demper-live = ✅ Жұмыс
button-demper-configure = ⚙️ Баптау
demper-digest = 🤖 Демпер · <b>{ $store }</b>: өзгерген бағалар — { $count }
demper-digest-dry-run = 🧪 Демпер · <b>{ $store }</b> (сынақ режимі): { $count } өзгеріс ұсынамын. Қолдану үшін ✅ басыңыз — нарықты қайта тексеремін.
demper-digest-line = { $index }. { $title }: { $old } → <b>{ $new }</b>. { $reason }
demper-alert-floor-reached = ⚠️ <b>{ $title }</b>: { $rivalName } { $rivalPrice } бағасымен сатады — бұл сіздің минимумыңыздан ({ $floor }) төмен.
demper-alert-lost-first-place = 📉 <b>{ $title }</b>: біз енді бірінші емеспіз.
demper-alert-not-applied = ⚠️ <b>{ $title }</b>: жаңа { $newPrice } бағасы Kaspi-де шықпады (бұрын { $old } еді). Қазір Kaspi-де: { $shown }.
demper-alert-session-expired = 🔑 <b>{ $store }</b> дүкенінің Kaspi сессиясы аяқталды — демпер кідіртілді. Қайта кіріңіз.
demper-alert-rate-limited = ⏳ Kaspi <b>{ $store }</b> дүкенінің өзгерістерін уақытша шектеді. Демпер шамамен { $minutes } минуттан кейін өзі жалғасады.
demper-settings-usage = Баптауларды бір жолмен жазыңыз, мысалы: қосу мин=10000 макс=15000 қадам=10
    • мин — демпер осы бағадан төмен түспейді (міндетті)
    • макс — одан жоғары көтермейді; макс=- — максимумсыз
    • қадам — бәсекелестен қаншалықты арзан: ₸ (қадам=10) немесе % (қадам=1%)
    • орын=2 — бірінші емес, 2-орында тұру
    • режим=көшбасшы — көшбасшы бағасымен, режим=ұстау — бағаны өзгертпеу
    • әр=5 — әр 5 минут сайын тексеру
    • қала=Астана мин=310000 — бір қаланың өз минимумы (макс, қадам); қала=Астана тастау — тауардағыдай
    • өшіру — демперді өшіру
demper-settings-ask = <b>{ $title }</b>
    Демпер: { $state }, минимум { $min }, максимум { $max }.
demper-state-on = қосулы
demper-state-off = өшірулі
demper-settings-unknown = «{ $word }» түсініксіз. Мысалы: қосу мин=10000 макс=15000
demper-settings-bare-number = { $value } — минимум ба, әлде максимум ба? Мысалы, былай жазыңыз: мин={ $value }
demper-settings-bad-price = { $name }={ $value } — баға емес. 10-нан бастап бүтін теңге керек.
demper-settings-bad-step = қадам={ $value } — қадам бүтін болуы керек: 1 ₸-ден немесе 1%-дан { $max }%-ға дейін.
demper-settings-bad-mode = режим «{ $value }» түсініксіз — режим=бірінші, режим=көшбасшы немесе режим=ұстау деп жазыңыз.
demper-settings-bad-place = орын={ $value } — орын 1-ден 10-ға дейін.
demper-settings-bad-interval = әр={ $value } — 1-ден { NUMBER($max, useGrouping: 0) } минутқа дейін.
demper-settings-empty = Баптауларды жазыңыз, мысалы: қосу мин=10000
demper-settings-floor-required = Минималды бағасыз демпер қосылмайды: мин=… көрсетіңіз
demper-settings-min-above-max = Минимум ({ $min }) максимумнан ({ $max }) жоғары. Минимумды азайтыңыз немесе максимумды көбейтіңіз.
demper-floor-above-price = ⚠️ <b>{ $title }</b>: қазіргі баға { $price } жаңа минимумнан төмен — келесі тексерісте демпер оны кемінде { $floor } етіп көтереді. Бұл қажет болмаса, минимумды өзгертіңіз.
demper-floor-above-price-dry = ⚠️ <b>{ $title }</b>: қазіргі баға { $price } жаңа минимумнан төмен — сынақ режимінде демпер оны кемінде { $floor } етіп көтеруді ұсынады.
demper-ceiling-below-price = ⚠️ <b>{ $title }</b>: қазіргі баға { $price } жаңа максимумнан жоғары — келесі тексерісте демпер оны ең көбі { $ceiling } етіп түсіреді. Бұл қажет болмаса, максимумды өзгертіңіз.
demper-ceiling-below-price-dry = ⚠️ <b>{ $title }</b>: қазіргі баға { $price } жаңа максимумнан жоғары — сынақ режимінде демпер оны ең көбі { $ceiling } етіп түсіруді ұсынады.
demper-strategy-first-place = бірінші орын
demper-strategy-match-leader = көшбасшы бағасы
demper-strategy-target-place = { $place }-орын
demper-strategy-hold = бағаны ұстау
demper-product-on = 🤖 <b>{ $title }</b>
    Демпер қосулы: { $strategy }, мин. { $min }, макс. { $max }, қадам { $step }, әр { $minutes } мин. сайын тексеріледі.
demper-product-off = 🤖 <b>{ $title }</b>
    Демпер өшірулі (мин. { $min }, макс. { $max }, қадам { $step }).
demper-store-on = 🤖 <b>{ $store }</b> дүкенінің демпері қосулы. Демпері қосулы тауарлар: { $total } ішінен { $enabled }.
demper-store-off = 🤖 <b>{ $store }</b> дүкенінің демпері өшірулі. Демпері қосулы тауарлар: { $total } ішінен { $enabled }.
demper-store-dry-run = 🧪 Сынақ режимі: демпер тек баға ұсынады.
demper-store-dry-run-silent = 🧪 Сынақ режимі: демпер тек баға ұсынады — бірақ хабарламалар өшірулі, ұсыныстар келмейді. Оларды /settings арқылы қосыңыз.
demper-store-last-cycle = Соңғы тексеріс { $at }: өзгерістер — { $changes }, Kaspi-де шықты — { $applied }, қате — { $failed }.
demper-store-no-cycles = Демпер әлі ештеңе өзгертпеді.
demper-store-how-to = Тауарға демперді қосу үшін: /demper атауы немесе SKU қосу мин=…
demper-switched-on = Демпер қосылды
demper-switched-off = Демпер өшірілді
demper-switched-dry = Сынақ режимі қосылды
demper-switched-live = Жұмыс режимі қосылды
demper-stopped = ⛔ <b>{ $store }</b> дүкенінің демпері тоқтатылды. Жіберілмеген өзгерістер жойылды: { $cancelled }.
demper-rollback-nothing = Қайтаратын ештеңе жоқ: демпер әлі ештеңе өзгертпеді.
demper-rollback-ask = <b>{ $store }</b> дүкеніндегі бағаларды демпердің соңғы тексерісіне дейінгі күйге қайтарамыз ба? Тауарлар: { $count }. Демпер тоқтатылады.
demper-rolled-back = ↩️ <b>{ $store }</b>: демпер тоқтатылды, бағалар қайтарылды — { $sent }. Қайтарылмады: { $left }.
demper-rollback-below-floor = { $floor } минимумынан төмен — қайтармаймыз
demper-rollback-failed-line = • { $title }: { $why }
demper-rollback-gone = Kaspi кабинетінде жоқ — тауарларды жаңартыңыз: /sync
demper-rollback-changed-outside = баға кабинетте өзгертілген ({ $price }) — тимейміз
demper-rollback-other = болмады — кейінірек қайталаңыз
demper-rollback-moved-on = Демпер жаңа тексеріс жасап үлгерді — бұл түйме ескірді. «↩️ Бұрынғы бағаларды қайтару» түймесін қайта басыңыз.
price-reason-rollback = Демпердің соңғы тексерісіне дейінгі бағаларды қайтару
demper-proposal-expired = Ұсыныс ескірді. Келесі тексерісті күтіңіз.
demper-proposal-checking = Нарықты тексеріп жатырмын…
demper-proposal-moved = <b>{ $title }</b>: нарық өзгерді, бағаны өзгертудің қажеті жоқ. { $reason }
demper-proposal-sent = ⏳ <b>{ $title }</b>: Kaspi-ге { $price } жібердім. { $reason }
demper-proposal-declined = Жарайды, өзгертпейміз.

# Bot: history.
history-usage = Пішімі: /history тауар (атауы, атауының бір бөлігі немесе SKU), мысалы /history шәйнек tefal
history-header = 📈 <b>{ $title }</b> — қазір { $price }
history-empty = Баға әлі өзгерген жоқ.
history-line = { $at } · { $old } → { $new } · { $source }, { $status }. { $reason }
history-source-demper = демпер
history-source-manual = қолмен
history-source-import = импорт
history-source-rollback = бағаларды қайтару
history-status-planned = дайындалуда
history-status-sent = жіберілді
history-status-applied = Kaspi-де шықты
history-status-failed = қолданылмады
history-chart-caption = Соңғы { $period } ішіндегі баға: сіздің бағаңыз — көк сызық, ең арзан бәсекелес — қызғылт сары, сіздің минимумыңыз — қызыл үзік сызық; ▲▼ — баға өзгерістері (қою көк — демпер, жасыл — қолмен, файлмен немесе қайтарумен).

# Bot: preorders.
command-preorders = Алдын ала тапсырыстар: тізім, жүктеу, Excel
preorders-header = 📦 Алдын ала тапсырыстар · <b>{ $store }</b>
preorders-on-kaspi = Kaspi-де алдын ала тапсырыста: { $count }
preorders-planned = Жоспарланған (әлі Kaspi-де жоқ): { $count }
preorders-buttons-legend = ✏️ — өзгерту · 🗑 — жоспарды болдырмау · ⏹ — Kaspi-дегі алдын ала тапсырысты алу
preorder-days = { $days } күн
preorder-off = алдын ала тапсырыссыз
button-preorders = 📦 Алдын ала тапсырыстар
button-preorder-add = ➕ Алдын ала тапсырыс қосу
button-preorder-upload = ⬆️ Kaspi-ге жүктеу
button-preorder-file = 📄 Файлмен жүктеу
button-preorder-xlsx = 📥 Excel жүктеп алу
button-all-points = Барлық нүктелер
button-next = Әрі қарай ▶️
button-save = 💾 Сақтау
preorder-ask-sku = Қай тауарды алдын ала тапсырысқа қоямыз? Атауын, атауының бір бөлігін немесе SKU жазыңыз:
preorder-ask-points = <b>{ $title }</b>
    Қай сату нүктелерінде? ☑️ — осы нүктеде алдын ала тапсырыс бар, ⬜️ — жоқ. Белгіні қою не алу үшін нүктені басыңыз, содан кейін «Әрі қарай».
preorder-ask-points-hint = Жоғарыдағы нүктелерді белгілеп (☑️ — осы нүктеде алдын ала тапсырыс), «Әрі қарай» түймесін басыңыз.
preorder-no-points = Кемінде бір нүктені белгілеңіз.
preorder-ask-days = Тауар қанша күннен кейін болады? 1-ден { $max }-ға дейінгі сан:
preorder-bad-days = «{ $days }» сәйкес емес. Kaspi-дегі алдын ала тапсырыс — 1-ден 30-ға дейінгі күн саны.
preorder-confirm = <b>{ $title }</b> алдын ала тапсырысы: { $points } — { $days } күн. Сақтаймыз ба?
preorder-confirm-hint = «Сақтау» немесе «Болдырмау» басыңыз.
preorder-planned = 💾 <b>{ $title }</b> алдын ала тапсырысы жоспарланды. Қазір Kaspi-ге жүктейміз бе?
preorder-unknown-product = Сіздің дүкендеріңізде мұндай тауар жоқ.
preorder-unknown-point = Бұл тауарда { $point } нүктесі жоқ.
preorder-removal-planned = Алдын ала тапсырыстан алу жоспарланды — Kaspi-ге жүктеңіз.
preorder-plan-cancelled = Жоспар жойылды.
preorder-plan-busy = Бұл алдын ала тапсырыс жүктелуде — болдырмау мүмкін емес.
preorder-status-planned = жоспарланған
preorder-status-uploading = жүктелуде
preorder-status-uploaded = жүктелді, Kaspi-ді күтеміз
preorder-status-confirmed = Kaspi-де
preorder-status-failed = қате
preorder-status-on-kaspi = Kaspi-де
preorder-failure-not-found = тауар Kaspi кабинетінде жоқ
preorder-failure-not-shown = Kaspi алдын ала тапсырысты көрсетпейді — кабинеттен тексеріңіз
preorder-failure-file-refused = Kaspi файлды қабылдамады — «⬆️ Kaspi-ге жүктеу» түймесімен жіберіңіз
preorder-failure-not-sent = жіберілмеді — «⬆️ Kaspi-ге жүктеу» түймесін қайта басыңыз
preorder-failure-points = сату нүктелері өзгерді — тауарларды жаңартыңыз: /sync
preorder-failure-other = жіберілмеді — қайталап көріңіз
preorder-upload-started = ⬆️ Алдын ала тапсырыстарды Kaspi-ге жүктеп жатырмын…
preorder-file-started = 📄 Баға парағын дайындап, Kaspi кабинетіне файлмен жүктеп жатырмын…
preorder-file-status = 📄 Kaspi-дегі файл: { $status }
preorder-file-processing = өңделуде
preorder-file-flushed = өңделді
preorder-file-error = қате
preorder-file-unfinished = Kaspi алдыңғы файлды әлі өңдеп жатыр — күтеміз
preorder-upload-running = Жүктеу жүріп жатыр — нәтижесін хабарлаймын.
preorder-upload-done = Kaspi-ге жіберілді: { $total } ішінен { $sent }.
preorder-outcome-sent = жіберілді
preorder-outcome-unchanged = Kaspi-де солай тұр
preorder-outcome-not-found = Kaspi кабинетінде жоқ
preorder-outcome-refused = жіберілмеді
preorder-outcome-deferred = жіберілмеді: Kaspi лимиті, 30 минуттан кейін қайталаңыз
preorder-outcome-mixed-days = файлда барлық нүктеде бірдей күн ғана болады; «Kaspi-ге жүктеу» түймесін қолданыңыз
preorder-upload-failed = Жіберу сәтсіз аяқталды: { $reason }
preorder-confirmed = ✅ Kaspi алдын ала тапсырысты көрсетіп тұр: { $count }.
preorder-removal-confirmed = ✅ Kaspi алдын ала тапсырысты алып тастады: { $count }.
preorder-not-shown = ⚠️ Kaspi { $count } тауардың алдын ала тапсырысын көрсетпейді — кабинетте тексеріңіз.
preorder-verify-failed = Алдын ала тапсырыстар жүктелді, бірақ Kaspi-де тексеру мүмкін болмады: { $reason } Кейінірек қараңыз: /preorders
preorder-xlsx-caption = Алдын ала тапсырыстар: { $count }. Күндер әр сату нүктесі бойынша берілген.
xlsx-preorders-sheet = Алдын ала тапсырыстар
xlsx-title = Тауар
xlsx-brand = Бренд
xlsx-price = Баға, ₸
xlsx-status = Күйі

# Bot: Excel export and import.
command-export = Тауарлар Excel-де
command-import = Өзгертілген Excel-ді жүктеу
export-caption = Тауарлар: { $count }. Бағаны, «сатылымда», минимумды, максимумды, қадамды, демперді, стратегияны немесе алдын ала тапсырыс күндерін өзгертіп, файлды қайта жіберіңіз — не өзгеретінін көрсетіп, растауды сұраймын.
xlsx-products-sheet = Тауарлар
xlsx-col-sku = SKU
xlsx-col-title = Атауы
xlsx-col-price = Баға, ₸
xlsx-col-onSale = Сатылымда
xlsx-col-min = Минимум, ₸
xlsx-col-max = Максимум, ₸
xlsx-col-step = Қадам, ₸ немесе %
xlsx-col-demper = Демпер
xlsx-col-strategy = Стратегия
xlsx-col-place = Орын
xlsx-col-rival = Бәсекелес, ₸
xlsx-col-preorder = Алдын ала тапсырыс, { $point }, күн
xlsx-yes = иә
xlsx-no = жоқ
xlsx-strategy-first_place = бірінші орын
xlsx-strategy-match_leader = көшбасшы бағасы
xlsx-strategy-hold = ұстау
xlsx-strategy-place = орын { $place }
import-ask-file = /export арқылы жүктеп алынған және өзіңіз өзгерткен .xlsx файлын жіберіңіз.
import-not-xlsx = /export арқылы алынған Excel файлы (.xlsx) керек.
import-too-big = Файл { $mb } МБ-тан үлкен — бір жолы мұнша тауарды жүктеу мүмкін емес. Файлды бірнеше бөлікке бөліңіз.
import-broken = Файлды ашу мүмкін болмады: ол бүлінген немесе Excel емес. Ештеңе өзгермеді.
import-foreign = Бұл біздің файл емес: «SKU» бағанасы немесе таныс бағандар жоқ. Тауарларды /export арқылы жүктеп алып, сол файлды өзгертіңіз.
import-preorders-file = Бұл алдын ала тапсырыстар тізімінің файлы — ол тек қарауға арналған. Алдын ала тапсырыстарды файлмен өзгерту үшін тауарларды /export арқылы жүктеп алыңыз: онда әр нүктенің «Алдын ала тапсырыс …» бағанасы бар. Немесе /preorders ашыңыз.
import-too-many-rows = Файлда { $max } жолдан көп — оны бөліңіз. Ештеңе өзгермеді.
import-preview = 📄 <b>{ $store }</b>: оқылған жолдар — { $rows }. Өзгеретін тауарлар: { $changes } (бағалар — { $prices }, сатылымда — { $onSale }, демпер — { $demper }, алдын ала тапсырыс — { $preorders }).
import-on-sale = сатылымға қайтару
import-off-sale = сатылымнан алу
import-demper-on = демпер қосулы
import-demper-off = демпер өшірулі
import-demper-min = минимум { $value }
import-demper-max = максимум { $value }
import-demper-step = қадам { $value }
import-preorder-days = алдын ала тапсырыс { $points }
import-errors = ⚠️ Қатесі бар жолдар: { $count } — олар ештеңе өзгертпейді:
import-error-line = { $row }-жол ({ $sku }): { $reason }
import-nothing = Өзгертетін ештеңе жоқ: бәрі солай тұр.
button-import-apply = ✅ Қолдану ({ $count })
import-confirm-hint = «Қолдану» немесе «Болдырмау» басыңыз.
import-applying = Өзгерістерді қолданып жатырмын: { $count }…
import-reason = Excel-ден импорт
import-failed = Импорт тоқтады: { $reason } Жіберілгені тарихта жазылған.
import-done = ✅ Дайын. { $details }
import-row-no-sku = SKU бос
import-row-unknown-sku = дүкенде мұндай SKU жоқ
import-row-duplicate = SKU файлда бірнеше жолда — олардың ешқайсысы қолданылмайды
import-row-bad-price = «{ $value }» бағасы — 10-нан кем емес бүтін теңге керек
import-row-bad-yes-no = «{ $value }» — «иә» немесе «жоқ» керек
import-row-bad-bound = { $column ->
        [min] «Минимум»
       *[other] «Максимум»
    }: «{ $value }» — баға емес, 10-нан бастап бүтін теңге керек
import-row-bad-step = қадам «{ $value }» — бүтін ₸ немесе 1%-дан 20%-ға дейін
import-row-bad-strategy = стратегия «{ $value }» — жазыңыз: бірінші орын, көшбасшы бағасы, ұстау немесе орын 2
import-row-bad-days = алдын ала тапсырыс { $point } «{ $value }» — 0-ден 30-ға дейінгі күн керек
import-row-no-point = тауарда { $point } нүктесі жоқ
import-row-min-above-max = минимум ({ $min }) максимумнан ({ $max }) жоғары
import-row-below-floor = баға ({ $price }) минимумнан ({ $min }) төмен
import-row-price-changed-since = файл жүктелгеннен кейін баға өзгерді (қазір { $price }) — жол қолданылмады; жаңа файл алыңыз: /export
import-row-demper-needs-floor = минимумсыз демперді қосу мүмкін емес

# Excel import: a file that unpacks to far more than its size (zip bomb)
import-unpacked-too-big = Файл ашылғанда { $mb } МБ-тан асады — бұл /export файлы емес. Ештеңе өзгермеді.

# Sessions that last
stores-session-confirmed = сессия расталды { $at }
stores-session-renewing = бот өзі қайта кіреді
demper-alert-session-renewal = { $reason ->
        [code-required] Бот өзі кіре алмады: Kaspi хаттағы кодты сұрайды — оны тек сіз енгізе аласыз.
        [credentials-invalid] Бот өзі кіре алмады: Kaspi сақталған e-mail мен құпиясөзді қабылдамады.
        [merchant-missing] Бот өзі кіре алмады: бұл Kaspi тіркелгісінде бұл дүкен енді жоқ.
        [unavailable] Бот өзі кіре алмады: оның серверінде e-mail арқылы кіру қазір қолжетімсіз.
       *[tries-spent] Бот өзі кіре алмады: Kaspi бір сағаттағы { $tries } әрекеттің ешқайсысына жауап бермеді.
    }

# Forgiving reads
sync-warning-format = ⚠️ Kaspi жауап форматын өзгертті: <code>{ $field }</code> өрісі { $of } тауардың { $missing }-інде жоқ. Қалғаны жаңартылды, жойылғандар белгіленбеді; біз қарап жатырмыз.
sync-warning-short = ⚠️ { $total } ішінен { $read } оқылды, жойылғандар белгіленбеді: Kaspi тізімді толық бермеді. /sync әрекетін кейінірек қайталаңыз.
sync-warning-no-total = ⚠️ Kaspi тауарлардың жалпы санын хабарламады, сондықтан жойылғандар белгіленбеді.
sync-warning-unidentified = ⚠️ Kaspi жауабында артикулсыз тауарлар: { $count } — жойылғандар белгіленбеді.
sync-warning-skipped = ⚠️ Оқылмаған тауарлар: { $count } — олар бұрынғыдай қалдырылды.
sync-warning-unpriced = ⚠️ Kaspi бағасын жібермеген тауарлар: { $count } — олардың бұрынғы бағасы қалдырылды.

# Login answers and e-mail login without a browser
kaspi-login-code-expired = Растау коды енді жарамсыз — жаңа код керек.
kaspi-login-email-unavailable = E-mail арқылы кіру қазір қолжетімсіз — SMS арқылы кіріңіз.
kaspi-login-choose-merchant = Kaspi бұл кіру үшін дүкенді таңдауды сұрайды. Таңдау үшін чаттан қайта кіріңіз: /login
login-sms-code-expired = SMS-тегі код енді жарамсыз. «Жаңа код» түймесін басыңыз — Kaspi жаңасын жібереді.
login-sms-email-code = Kaspi { $email } поштасына да код жіберді. Хаттағы кодты енгізіңіз:
login-email-code-invalid = Kaspi хатындағы код қате. Сандарды тексеріп, кодты қайта жіберіңіз.
login-email-not-a-code = Код — Kaspi хатындағы сандар. Қайталап көріңіз.
login-email-code-renewed = Кодтың мерзімі өтті — Kaspi поштаға жаңасын жіберді. Оны енгізіңіз:
login-email-flood = Kaspi жаңа кодты сұрамас бұрын күте тұруды сұрайды: тағы { $seconds } секунд. Содан кейін құпиясөзді қайта енгізіңіз.
login-code-wait = Kaspi күте тұруды сұрайды: тағы { $seconds } секунд. Содан кейін кодты қайта жіберіңіз.
kaspi-login-page-slow = Kaspi кіру беті уақытында жауап бермеді. Сәл кейінірек қайталап көріңіз: /login

# Prices per city
preorder-outcome-stock-unknown = Kaspi нүктедегі тауар қалдығын көрсетпеді, ал файл оны қайта жазып жіберер еді; «Kaspi-ге жүктеу» түймесін қолданыңыз
import-row-city-not-sold = тауар { $city } қаласында сатылмайды — онда баға қою мүмкін емес
import-row-price-and-city-price = «Баға» (барлық қалада) да, { $city } қаласының бағасы да толтырылған — біреуін қалдырыңыз
demper-settings-twice = «{ $name }» екі рет көрсетілген — қайсысы дұрыс? Бір рет жазыңыз. Қаланың өз минимумы үшін бөлек хабар жіберіңіз: қала=Астана мин=…
xlsx-col-city-price = Баға, { $city }, ₸
xlsx-col-city-min = Минимум, { $city }, ₸
city-unknown = Дүкен нүктелерінің арасында «{ $city }» қаласы жоқ. Дүкен қалалары: { $cities }.
offers-our-price = Мұндағы сіздің бағаңыз: { $price }
preorder-outcome-city-prices = файлда барлық қалаға бір баға, ал тауардың қалалардағы бағасы әртүрлі; «Kaspi-ге жүктеу» түймесін қолданыңыз
button-price-all-cities = Барлық қалада
button-price-one-city = Тек { $city }
price-which-cities = <b>{ $title }</b>: қалалардағы бағалар әртүрлі:
    { $now }
    { $price } бағасын барлық қалада қою керек пе, әлде біреуінде ғана ма?
price-city-not-sold = <b>{ $title }</b> { $city } қаласында сатылмайды — онда баға қою мүмкін емес.
price-refused = ⚠️ <b>{ $title }</b>: Kaspi бағаны қабылдамады — { $reasons }. Ештеңе өзгертілмеді.
price-cannot-write = ⚠️ <b>{ $title }</b>: Kaspi тауардың бір қаладағы бағасын көрсетпеді, сондықтан ештеңе жіберілмеді. Тауарларды жаңартып (/sync), қайталап көріңіз.
availability-refused-line = ⚠️ { $title }: Kaspi қабылдамады — { $reasons }
kaspi-refusal-price-too-low = баға 10 ₸-ден төмен
kaspi-refusal-unknown-point = сату нүктесі кабинетте табылмады
kaspi-refusal-no-stock = қолда бары көрсетілмеген
kaspi-refusal-offer-blocked = тауарды Kaspi модерациясы бұғаттады — толығырақ кабинетте
kaspi-refusal-unknown = Kaspi себебін түсіндірмеді
demper-city-override = 🏙 { $city }: минимум { $min }, максимум { $max }, қадам { $step }
demper-settings-reset-needs-city = «Тастау» қаланы тауардың жалпы баптауларына қайтарады — қаланы көрсетіңіз: қала=Астана тастау
demper-settings-city-bounds-only = Жеке қала үшін тек мин, макс және қадам беруге болады. Стратегия мен аралықты тауарға тұтас, «қала=» жоқ беріңіз.
demper-settings-city-step-tenge = Жеке қаланың қадамы теңгемен беріледі, мысалы: қала=Астана қадам=10

# --- demper-v2-ui ---
button-demper-store-on = ▶️ Дүкен демперін қосу
button-demper-filter-intercity = Басқа қалаларды есептемеу: { $state }
button-demper-filter-unproven = Жаңа сатушыларды есептемеу: { $state }
demper-filter-switched-on = Сүзгі қосылды
demper-filter-switched-off = Сүзгі өшірілді
demper-floor-raised = { $typed } минимумы Kaspi-дің ең төменгі бағасынан төмен — { $floor } қойдық.
import-floor-raised = { $typed } минимумы Kaspi-дің ең төменгі бағасынан төмен — { $floor } болады
demper-store-switch-off = ⏸ <b>{ $store }</b> дүкенінің демпері өшірулі: ол өшірулі тұрғанда тауарлар тексерілмейді.
demper-first-check = Алғашқы тексеріс — { $minutes } мин. ішінде.
demper-store-first-check = Демпері қосулы тауарлар: { $count }. Алғашқы тексеріс — { $minutes } мин. ішінде.
demper-store-switched-on = ▶️ <b>{ $store }</b> дүкенінің демпері қосылды.
demper-product-filters = Есептемейміз: басқа қаладан сататындар { $intercity }, рейтингі 4.0-ден төмен және пікірі 10-нан аз сатушылар { $unproven }
demper-reason-price-war-probe = { $rival } біздің әр төмендетуімізге бір тексеріс ішінде жауап береді — бұл бот. Оның қай жерде тоқтайтынын көру үшін бір рет сіздің минимумыңызды ({ $new }) қоямыз, содан кейін оның минимумынан сәл төмен тұрамыз.
demper-reason-price-war-end = { $rival } { $rivalFloor } бағасынан төмен түспейді — { $new } қоямыз, { $step } арзан, және ұстаймыз. Баға соғысы аяқталды.
demper-reason-price-war-retreat = { $rival } әр төмендетуге жауап ретінде сіздің { $floor } минимумыңыздан төмен түседі — соғыспаймыз: { $place }-орын, { $new }, { $anchor } ({ $anchorPrice }) бағасынан сәл арзан. Кейінірек қайта қараймыз.
demper-reason-unreachable-first = { $rival } { $rivalPrice } бағасымен сатады — сіздің { $floor } минимумыңыздан төмен: бірінші орын тек минимум { $needFloor } бағасынан төмен болса ғана мүмкін. { $place }-орынды аламыз: { $new }, { $anchor } ({ $anchorPrice }) бағасынан { $step } арзан.
demper-reason-unreachable-ceiling = { $rival } { $rivalPrice } бағасымен сатады — сіздің { $floor } минимумыңыздан төмен: бірінші орын тек минимум { $needFloor } бағасынан төмен болса ғана мүмкін. Минимумнан жоғары астына тұратын сатушы жоқ — максимумды ({ $new }) қоямыз.
demper-reason-rival-raised = { $rival } (енді ең арзан бәсекелес) бағасын { $rivalPrice } дейін көтерді — { $new } дейін көтереміз, әлі де біріншіміз.
demper-reason-reversal-limit = Соңғы сағатта баға жоғары-төмен өзгерді (бұрылыстар: { $count }) — нарықты шайқалтпау үшін { $old } ұстаймыз.
demper-digest-waited = Тағы { $count } өзгеріс күтуде: Kaspi 30 минутта 250 өзгеріске рұқсат береді, оларды келесі тексерістерде жасаймыз.
demper-reason-undercut-filtered = { $rival } { $rivalPrice } бағасымен сатады, бірақ басқа қаладан жеткізеді немесе пікірі аз: сатып алушы күтпеу үшін шамамен 10 % артық төлейді. { $new } қоямыз — сатып алушы үшін біріншіміз (түзетумен — { $anchorPrice }).
price-write-busy = ⏳ Бұл тауардың бағасын қазір демпер немесе басқа әрекет өзгертіп жатыр. Ештеңе жіберілмеді — бір минуттан кейін қайталап көріңіз.
demper-tap-hint = Баптауды өзгерту үшін түймені басыңыз. Бір жолмен: /demper { $sku } қосу мин=… макс=… қадам=…
demper-tap-city = 🏙 <b>{ $city }</b>: мин. { $min }, макс. { $max }, қадам { $step } — төмендегі түймелер тек осы қаланы өзгертеді.
demper-tap-strategy-ask = 🎯 Демпер бағаны қалай ұстасын?
demper-tap-step-ask = 👣 Бәсекелестен қаншалықты арзан қоямыз?
demper-tap-city-ask = 🏙 Қай қалаға өз мин., макс. және қадамын беру керек?
demper-tap-saved = ✅ Сақталды
demper-tap-floor-first = Алдымен минимумды беріңіз: «Мин −5 %», «Мин −10 %» немесе «✏️ Өз минимум».
button-tap-on = ▶️ Қосу
button-tap-off = ⏸ Өшіру
button-tap-strategy = 🎯 Стратегия
button-tap-floor = Мин −{ $percent } %
button-tap-floor-enter = ✏️ Өз минимум
button-tap-step = 👣 Қадам
button-tap-step-enter = ✏️ Өз қадамы
button-tap-city = 🏙 Қала
button-tap-walk = 📝 Қадамдап
button-tap-text = ⌨️ Мәтінмен
button-tap-back = « Артқа
button-tap-all-cities = « Барлық қала
button-tap-city-reset = Тауардағыдай
button-tap-strategy-f = 🥇 1-орын
button-tap-strategy-m = 👑 Көшбасшы
button-tap-strategy-p2 = 🥈 2-орын
button-tap-strategy-h = ✋ Ұстау
demper-setup-ask-min = ({ $n }/{ $total }) { $title } үшін <b>минимум</b>: демпер осы бағадан төмен түспейді. Қазір: { $current }, баға: { $price }. Соманы жазыңыз, мысалы { $example }.
demper-setup-ask-max = ({ $n }/{ $total }) { $title } үшін <b>максимум</b>: демпер одан жоғары көтермейді. Қазір: { $current }. Соманы жазыңыз немесе «Максимумсыз» түймесін басыңыз.
demper-setup-ask-step = ({ $n }/{ $total }) { $title } үшін <b>қадам</b>: бәсекелестен қаншалықты арзан. Қазір: { $current }. Теңгемен (10) немесе пайызбен (1%) жазыңыз.
demper-setup-ask-enable = Бұл тауарға демперді қазір қосайық па?
demper-setup-hint = Мәнді жазыңыз немесе «Өткізу» не «Бас тарту» түймесін басыңыз.
demper-setup-enable-hint = «Қосу» немесе «Кейін» түймесін басыңыз.
demper-setup-bad-price = «{ $value }» — баға емес. Бүтін теңге жазыңыз, мысалы 12 000.
demper-setup-negative = Баға теріс бола алмайды («{ $value }»). { $min } ₸-ден бастап сома жазыңыз.
demper-setup-under-kaspi-min = Kaspi { $min } ₸-ден төмен бағаны қабылдамайды — { $min } ₸-ден бастап сома жазыңыз.
demper-setup-bad-step = «{ $value }» — қадам емес. Бүтін теңге (10) немесе 1-ден { $max }-ге дейін пайыз (1%) жазыңыз.
demper-setup-max-below-min = Максимум { $max } минимумнан { $min } төмен — кемінде { $min } жазыңыз немесе «Өткізу» түймесін басыңыз.
demper-setup-min-above-max = Минимум { $min } максимумнан { $max } жоғары — { $max } аспайтын сома жазыңыз немесе «Өткізу» түймесін басыңыз.
button-skip = ⏭ Өткізу
button-no-ceiling = Максимумсыз
button-enable-now = ▶️ Қосу
button-not-now = Кейін
left-demper-setup = Демпер баптауы тоқтатылды.
availability-on-applied = ✅ «{ $title }» қайтадан сатылымда: Kaspi қолданды.
availability-off-applied = ✅ «{ $title }» сатылымнан алынды: Kaspi қолданды.
availability-not-applied-one = ⚠️ «{ $title }»: Kaspi өзгерісті әлі қолданбады. Тауарды кабинетте тексеріңіз немесе қайта көріңіз.
availability-already-on = Тауар онсыз да сатылымда. Карточка жаңартылды.
availability-already-off = Тауар онсыз да сатылымнан алынған. Карточка жаңартылды.
card-price-pending = ⏳ Kaspi-ге жіберілді: { $prices } — Kaspi растауын күтеміз.
button-change-floor = ✏️ Минимумды өзгерту
demper-alert-keep = { $price } ұстаймыз — { $place }-орын{ $needFloor ->
    [none] .
   *[other] ; бірінші орын тек минимум { $needFloor } бағасынан төмен болса ғана мүмкін.
}
demper-alert-move = { $old } орнына { $price } қоямыз — { $place }-орын{ $needFloor ->
    [none] .
   *[other] ; бірінші орын тек минимум { $needFloor } бағасынан төмен болса ғана мүмкін.
}
demper-alert-propose = { $old } орнына { $price } ұсынамыз — { $place }-орын{ $needFloor ->
    [none] .
   *[other] ; бірінші орын тек минимум { $needFloor } бағасынан төмен болса ғана мүмкін.
}
sync-done-added = жаңа: { $count }
sync-done-changed = өзгерген: { $count }
sync-done-removed = жойылған: { $count }
sync-done-nothing = Өзгеріс жоқ.
import-done-settings = демпер баптаулары — { $count }
import-done-on-sale = сатылымда — { $count }
import-done-prices = бағалар — { $count }
import-done-preorders = алдын ала тапсырыстар — { $count }
import-done-nothing = Өзгеріс жоқ.
import-done-deferred = Kaspi лимитіне байланысты жіберілмеді — { $count }: 30 минуттан кейін осы файлды қайта жіберіңіз.
import-done-failed = Сәтсіз — { $count }.
import-done-all-sent = Барлығы Kaspi-ге жіберілді.
store-removed-last = <b>{ $name }</b> дүкені кіру деректерімен бірге жойылды. Басқа дүкен жоқ — дүкенді қосыңыз: /login
demper-store-off-vs-stop = ⏸ Өшіру — осы панельдің ауыстырғышы (▶️ қайта қосады); ⛔ Тоқтату — дәл солай, шұғыл түрде, кез келген демпер есебінен, тоқтатылған өзгерістер туралы хабармен.

# The main menu's sync button: two buttons share its row on a phone.
button-menu-sync = 🔄 Синхрондау

# Products by name: every command and step that asks for a product
product-lookup-none = Белсенді дүкенде «{ $query }» тауары табылмады — атауы бойынша да, SKU бойынша да. Жазылуын тексеріңіз немесе тізімді ашыңыз: /products
product-lookup-several = «{ $query }» бойынша табылған тауарлар: { $count }. Қайсысы?
product-lookup-more = { $count } тауардың алғашқы { $shown } көрсетілді — қалғанын көру үшін атауын нақтырақ жазыңыз.
batch-ambiguous = Бұл сөздерге бірнеше тауар сәйкес келеді — атауын нақтырақ жазыңыз немесе SKU көрсетіңіз: { $names }
xlsx-preorder-days = { $point }, күн
batch-sent-disable = ⏳ Сатылымнан алынуда: { $count }. Kaspi-ге жіберілді, Kaspi қолданғанда хабарлама жаңарады.
batch-sent-enable = ⏳ Сатылымға қайтарылуда: { $count }. Kaspi-ге жіберілді, Kaspi қолданғанда хабарлама жаңарады.
batch-applied-disable = ✅ Сатылымнан алынды: { $count }. Kaspi қолданды.
batch-applied-enable = ✅ Сатылымға қайтарылды: { $count }. Kaspi қолданды.
history-chart-ours = Сіздің бағаңыз
history-chart-ours-city = Сіздің бағаңыз, { $city }
history-chart-rival = Ең арзан бәсекелес
history-chart-floor = Сіздің минимумыңыз
history-chart-changes-demper = Демпер өзгерістері
history-chart-changes-other = Қолмен өзгерістер
history-chart-hours = { $hours } сағат
history-chart-days = { $days } күн
history-chart-caption-cities = Соңғы { $period } ішіндегі баға: қалалар бойынша бағаларыңыз — әр түсті сызықтар (шартты белгілерді қараңыз), ең арзан бәсекелес — қызғылт сары, сіздің минимумыңыз — қызыл үзік сызық; ▲▼ — баға өзгерістері (қою көк — демпер, жасыл — қолмен, файлмен немесе қайтарумен).
button-store-relogin = 🔑 Кіру
