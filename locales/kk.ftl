# Kaspi қателері, сатушы оқитындай. Айнымалылар: $seconds, $minutes.
kaspi-error-session-expired = Kaspi сессиясы аяқталды. Кабинетке қайта кіріңіз — бір минут қана алады.
kaspi-error-rate-limited = Kaspi дүкен үшін өзгерістерді уақытша шектеді. Шамамен { $minutes } минуттан кейін өзіміз жалғастырамыз. Ештеңе жоғалмайды.
kaspi-error-ip-blocked = Kaspi біздің сұрауларымызға уақытша жауап бермей тұр. Бірнеше минуттан кейін өзіміз қайталаймыз.
kaspi-error-transient = Kaspi қазір жауап бермей тұр. Біз ештеңе өзгерткен жоқпыз — сәл кейінірек қайталап көріңіз.
kaspi-error-bad-request = Kaspi сұрауды қабылдамады: { $code }. Дүкен деректері өзгертілген жоқ.
kaspi-error-schema = Kaspi жауап пішімін өзгертті. Ештеңені бүлдірмеу үшін әрекетті тоқтаттық, қазір тексеріп жатырмыз.
kaspi-login-flood = Kaspi жаңа кодтан бұрын күте тұруды сұрайды: тағы { $seconds } сек. Содан кейін нөмірді қайта жіберіңіз.
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
demper-reason-undercut-leader = { $rival } { $rivalPrice } бағасымен сатады — бірінші болу үшін { $step } арзан, { $new } қоямыз.
demper-reason-match-leader = { $rival } { $rivalPrice } бағасымен сатады — дәл сондай баға қоямыз.
demper-reason-target-place = { $place }-орынды ұстаймыз: { $rival } { $rivalPrice }, біз { $new } қоямыз.
demper-reason-raise-to-gap = Біз қормен біріншіміз: { $rival } { $rivalPrice } — { $new } дейін көтереміз, бәрібір ең арзанбыз.
demper-reason-already-first = Біз біріншіміз: { $rival } қымбатырақ ({ $rivalPrice }). { $old } бағасы өзгеріссіз.
demper-reason-already-optimal = { $old } бағасы бұл жағдай үшін ең жақсысы.
demper-reason-raise-cooldown = Бағаны көтеруге болады, бірақ жақында түсіргеннен кейін нарықтың тынышталуын күтеміз.
demper-reason-no-rivals-hold = Бәсекелестер жоқ — { $old } бағасы өзгеріссіз.
demper-reason-no-rivals-ceiling = Бәсекелестер жоқ — { $ceiling } максимумына дейін көтереміз.
demper-reason-floor-reached = { $rival } { $rivalPrice } бағасымен сатады — бұл сіздің { $floor } минимумыңыздан төмен. Түспейміз, { $old } ұстаймыз.
demper-reason-below-floor-fix = { $old } бағасы минимумыңыздан төмен еді — { $floor } минимумын қоямыз.
demper-reason-above-ceiling-fix = { $old } бағасы максимумыңыздан жоғары еді — { $ceiling } максимумын қоямыз.
demper-reason-max-drop-limited = { $rival } { $rivalPrice } бағасымен сатады — біртіндеп түсіреміз: қазір { $new } дейін.
demper-reason-price-war-jump = { $rival } әр түсіруге жауап береді — баға соғысы аяқталатын { $new } бағасын бірден қоямыз.
demper-reason-price-war-hold = { $rival } әр түсіруге жауап береді — өзіңіз таңдағандай { $old } ұстаймыз.
demper-reason-strategy-hold = «Бағаны ұстау» стратегиясы: { $old } өзгеріссіз.
demper-reason-invalid-settings = Демпер баптаулары толық емес немесе бір-біріне қайшы — бағаға тиіспейміз.
