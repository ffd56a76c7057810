# Kaspi errors, as a seller reads them. Variables: $seconds, $minutes.
kaspi-error-session-expired = Your Kaspi session has expired. Please log in to the cabinet again — it takes a minute.
kaspi-error-rate-limited = Kaspi has temporarily limited changes for this store. We will continue automatically in about { $minutes } min. Nothing is lost.
kaspi-error-ip-blocked = Kaspi is temporarily not answering our requests. We will retry by ourselves in a few minutes.
kaspi-error-transient = Kaspi is not answering right now. Nothing was changed — please try again a bit later.
kaspi-error-bad-request = Kaspi refused the request: { $code }. Your store data was not changed.
kaspi-error-schema = Kaspi changed its answer format. We stopped so that nothing gets broken, and we are on it.
kaspi-login-flood = Kaspi asks to wait before a new code: { $seconds } more seconds. Then send your number again.
kaspi-login-code-invalid = Wrong SMS code. Check the digits and send the code again.
kaspi-login-code-attempts = Too many wrong codes. Start the login again: /login
kaspi-login-credentials-invalid = Wrong e-mail or password for the Kaspi cabinet.
kaspi-login-no-merchants = No store is linked to this Kaspi account.
kaspi-login-no-permissions = This account has no rights to manage a store on Kaspi.
kaspi-login-phone-unknown = Kaspi found no seller cabinet with this number.
kaspi-login-phone-invalid = This does not look like a Kazakhstan mobile number. Example: +7 701 234 56 78
kaspi-login-timeout = The login timed out. Start again: /login
kaspi-login-restart = Kaspi reset the login. Start again: /login
kaspi-login-in-progress = A login to this account is already in progress. Wait for the code or start again in a minute.
kaspi-login-failed = Could not log in to Kaspi. Please try again: /login

# Demper: why this price. Variables: $old, $new, $rival, $rivalPrice, $floor, $ceiling, $place, $step.
demper-reason-undercut-leader = { $rival } sells at { $rivalPrice } — setting { $new }, { $step } cheaper, to be first.
demper-reason-match-leader = { $rival } sells at { $rivalPrice } — matching that price.
demper-reason-target-place = Holding place { $place }: { $rival } at { $rivalPrice }, setting { $new }.
demper-reason-raise-to-gap = We are first with room to spare: { $rival } at { $rivalPrice } — raising to { $new }, still the cheapest.
demper-reason-already-first = We are already first: { $rival } is dearer ({ $rivalPrice }). { $old } stays.
demper-reason-already-optimal = { $old } is already the best price here.
demper-reason-raise-cooldown = The price could go up, but after a recent cut we wait for the market to settle.
demper-reason-no-rivals-hold = No competitors — { $old } stays.
demper-reason-no-rivals-ceiling = No competitors — raising to the maximum { $ceiling }.
demper-reason-floor-reached = { $rival } sells at { $rivalPrice } — below your minimum { $floor }. Not following; holding { $old }.
demper-reason-below-floor-fix = { $old } was below your minimum — setting the minimum { $floor }.
demper-reason-above-ceiling-fix = { $old } was above your maximum — setting the maximum { $ceiling }.
demper-reason-max-drop-limited = { $rival } sells at { $rivalPrice } — lowering step by step: now to { $new }.
demper-reason-price-war-jump = { $rival } answers every cut — going straight to { $new }, where the price war ends.
demper-reason-price-war-hold = { $rival } answers every cut — holding { $old }, as you chose.
demper-reason-strategy-hold = “Hold the price” strategy: { $old } stays.
demper-reason-invalid-settings = The demper settings are incomplete or contradict each other — the price is left alone.
