# Kaspi errors, as a seller reads them. Variables: $seconds, $minutes.
kaspi-error-session-expired = Your Kaspi session has expired. Please log in to Kaspi again — it takes a minute.
kaspi-error-rate-limited = Not sent: Kaspi has temporarily limited changes for this store. Please try again in about { $minutes } min.
kaspi-error-requests-limited = Kaspi asks us to slow down. Please try again in about { $minutes } min.
kaspi-error-ip-blocked = Kaspi is not answering our requests for now. Nothing was changed — please try again in a few minutes.
kaspi-error-transient = Kaspi is not answering right now. Nothing was changed — please try again a bit later.
kaspi-error-bad-request = Kaspi refused the request: { $code }. Your store data was not changed.
kaspi-error-schema = Kaspi changed its answer format. We stopped so that nothing gets broken, and we are on it.
kaspi-login-flood = Kaspi asks you to wait { $seconds } s before requesting a new code. Then send your number again.
login-sms-resend-wait = A new code can be requested in { $seconds } s. Meanwhile, enter the code from the last SMS.
kaspi-login-code-invalid = Wrong SMS code. Check the digits and send the code again.
kaspi-login-code-attempts = Too many wrong codes. Start the login again: /login
kaspi-login-credentials-invalid = Wrong e-mail or password for your Kaspi seller account.
kaspi-login-no-merchants = No store is linked to this Kaspi account.
kaspi-login-no-permissions = This account has no rights to manage a store on Kaspi.
kaspi-login-phone-unknown = Kaspi found no seller account with this number.
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
demper-reason-floor-reached = { $rival } sells at { $rivalPrice } — below your minimum { $floor }, and no seller above your minimum to sit under. Holding { $old }.
demper-reason-below-floor-fix = { $old } was below your minimum — setting the minimum { $floor }.
demper-reason-above-ceiling-fix = { $old } was above your maximum — setting the maximum { $ceiling }.
demper-reason-max-drop-limited = { $rival } sells at { $rivalPrice } — lowering step by step: now to { $new }.
demper-reason-price-war-jump = { $rival } undercuts every cut we make. Instead of stepping down, going straight to { $new } (never below your minimum { $floor }).
demper-reason-price-war-hold = { $rival } answers every cut — holding { $old }, as you chose.
demper-reason-strategy-hold = “Hold the price” strategy: { $old } stays.
demper-reason-invalid-settings = The repricer settings are incomplete or contradict each other — the price is left alone.

# Bot: welcome and menu. HTML parse mode: only <b>, <i>, <code>.
welcome = Hello, { $name }! I help Kaspi sellers with products, prices, competitors and automatic repricing, right in Telegram.
    To begin, connect your store: tap “Log in”.
welcome-back = Welcome back, { $name }! Active store: <b>{ $store }</b>.
help = <b>What I can do</b>
    /login — connect a Kaspi store (SMS or e-mail)
    /stores — stores: choose the active one, log in again, remove
    /sync — load products from Kaspi
    /products [text] — products and search
    /price &lt;product&gt; &lt;price&gt; [city] — change a price (everywhere or in one city)
    /enable, /disable [products…] — put on sale or take off sale
    /offers &lt;product&gt; [city] — competitors for a product in a city
    /demper [product …] — repricer: status, on/off, settings
    /history &lt;product&gt; — price history with a chart
    A product is its name, part of its name or its SKU: “/price kettle 12990”.
    /preorders — preorders: add, upload to Kaspi, Excel
    /export, /import — products to Excel and back
    /settings — language and notifications
    /cancel — cancel the current action
    /logout — remove a store and its login data
button-products = 📦 Products
button-sync = 🔄 Sync
button-sync-retry = 🔄 Try again
button-enable = ✅ On sale
button-disable = ⛔ Off sale
button-stores = 🏪 Stores
button-login = 🔑 Log in
button-settings = ⚙️ Settings
button-help = ❓ Help
button-cancel = Cancel
button-yes = Yes
button-no = No
button-outdated = This button is outdated. Open the menu again: /start
menu-outdated = The menu has changed, tap again.
unknown-command = There is no such command. Here is what I can do:
unhandled = I did not understand that. Choose an action:
cancelled = Cancelled.
nothing-to-cancel = There is nothing to cancel.
left-sms-login = Logging in to Kaspi was interrupted. If you still need the SMS code, start again: /login
left-email-login = Logging in to Kaspi was interrupted. Start again: /login
left-price-edit = Price change cancelled.
left-demper-settings = Repricer settings cancelled.
left-preorder-edit = The preorder was not saved.
left-excel-import = Excel upload cancelled — nothing was changed.
error-generic = Something went wrong — we are looking into it. Before trying again, check the prices in /products.
access-denied = Not available: this store or product was removed or belongs to another seller. Open the list again: /products or /stores.
slow-down = Too often. Try again in { $seconds } s.
press-repeated = This button was already pressed — the answer is in the chat.
no-store = Connect a Kaspi store first: /login

# Bot: commands in Telegram's menu.
command-start = Main menu
command-help = What the bot can do
command-login = Connect a Kaspi store
command-stores = My stores
command-sync = Load products from Kaspi
command-products = Products and search
command-price = Change a price: /price product price
command-enable = Put products on sale
command-disable = Take products off sale
command-offers = Competitors for a product
command-settings = Language and notifications
command-cancel = Cancel the action
command-logout = Remove a store

# Bot: login.
login-choose-method = How would you like to log in to Kaspi?
button-login-sms = 📱 By phone number (SMS)
button-login-email = ✉️ By e-mail and password
login-sms-ask-phone = Send the phone number of your Kaspi seller account, or tap the button below. Example: +7 701 234 56 78
login-sms-ask-phone-again = I need a phone number: type it or tap “Share my number”.
button-share-phone = 📱 Share my number
login-sms-phone-accepted = Number { $phone } accepted.
login-sms-ask-code = Kaspi sent an SMS code to { $phone }. Enter the code:
login-sms-ask-code-again = Enter the SMS code in digits or tap “New code”.
login-sms-code-resent = A new code was sent to { $phone }. Enter it:
login-sms-not-a-code = The code is the 4–6 digits from the SMS. Try again.
button-resend-code = 🔁 New code
login-email-ask-email = Enter the e-mail of your Kaspi seller account:
login-email-invalid = That does not look like an e-mail. Example: shop@example.kz
login-email-ask-password = Enter the password. I delete the message at once and keep the password only encrypted.
login-email-wait = Logging in to Kaspi… This can take up to a minute.
login-email-ask-code = Kaspi sent a confirmation code. Enter it:
login-choose-merchant = Several stores belong to this account. Which one do you connect?
login-choose-merchant-hint = Choose a store with the buttons above or tap “Cancel”.
login-merchant-connected = { $name } · ✅ connected
login-connected = Store <b>{ $name }</b> connected ({ $points } { $points ->
        [one] point
       *[other] points
    } of sale). Load its products?
login-gave-up = That did not work. Start again when you are ready: /login
gave-up = That did not work; nothing was changed. Start again when you are ready.

# Bot: stores.
stores-none = No stores yet. Connect the first one: /login
stores-header = <b>Your stores</b>
stores-line-active = { $active }<b>{ $name }</b> (ID { $merchant }) — logged in
stores-line-expired = { $active }<b>{ $name }</b> (ID { $merchant }) — ⚠️ log in again
stores-line-none = { $active }<b>{ $name }</b> (ID { $merchant }) — not logged in
button-make-active = Choose “{ $name }”
button-relogin = 🔑 Re-login
button-remove = 🗑 Remove
button-add-store = ➕ Add a store
store-activated = Active store: { $name }
store-remove-ask = Remove store <b>{ $name }</b>? Saved login data, products and price history will be deleted. Nothing changes in Kaspi itself.
button-remove-yes = Yes, remove
store-removed = Store <b>{ $name }</b> removed together with its login data. Your stores: /stores

# Bot: sync.
sync-ask = Load the products of <b>{ $store }</b> from Kaspi?
sync-started = 🔄 Syncing <b>{ $store }</b>…
sync-progress = 🔄 <b>{ $store }</b>: synced { $fetched } of { $total }
sync-done = ✅ <b>{ $store }</b>: products synced — { $total }. { $details }
sync-failed = Sync not finished: { $reason }
sync-already-running = A sync is already running — I will tell you when it is done.

# Bot: products.
products-header = <b>{ $store }</b>: { $total } { $total ->
        [one] product
       *[other] products
    }, page { $page } of { $pages }
products-found = Search “{ $search }”: { $total }, page { $page } of { $pages }
products-none-found = Nothing found for “{ $search }”.
products-empty = Store <b>{ $store }</b> has no products yet. Load them from Kaspi.
product-not-found = No product with SKU <code>{ $sku }</code> in the active store. List: /products
card-sku = SKU <code>{ $sku }</code> · Kaspi code { $masterSku }
card-price = Price: <b>{ $price }</b>
card-on-sale = 🟢 On sale
card-off-sale = ⚪️ Off sale
card-place = Place among sellers: { $place } (cheapest competitor: { $rival }; as of { $checked })
card-demper-on = Repricer: on, min { $min }, max { $max }, step { $step }
card-demper-off = Repricer: off (min { $min }, max { $max })
button-edit-price = ✏️ New price
button-take-off-sale = ⛔ Take off sale
button-put-on-sale = ✅ Put on sale
button-competitors = 👥 Rivals
button-back-to-list = « To list
button-back-to-card = « To product

# Bot: prices.
price-usage = Format: /price product price [city], the product by name, part of its name or SKU. Example: /price tefal kettle 12990, or in one city only: /price 123456 12990 Astana
price-ask = <b>{ $title }</b>
    Now: { $price }, your minimum: { $floor }.
    Enter the new price in tenge:
price-ask-again = Enter the price as a number, e.g. 12990, or tap “Cancel”.
price-invalid = “{ $text }” is not a price. Enter whole tenge, e.g. 12990.
price-below-kaspi-minimum = Kaspi does not accept prices below { $minimum }.
price-below-floor = <b>{ $title }</b>: { $price } is below your minimum { $floor }. Set it anyway?
price-big-drop = <b>{ $title }</b>: { $price } is { $percent }% below the current price { $old }. Check for a missing zero. Set { $price }?
price-confirm-stale = The price of <b>{ $title }</b> has changed since: it is { $current } now. This button is outdated — send the new price again.
price-big-rise = <b>{ $title }</b>: { $price } is { NUMBER($times, maximumFractionDigits: 1) } times the current price { $old }. Check for an extra zero. Set { $price }?
button-confirm-below-floor = Yes, set { $price }
price-offer-gone = “{ $title }” is not in your Kaspi seller account. Refresh products: /sync
price-unchanged = “{ $title }” already costs { $price } — nothing changed.
price-sent = ⏳ <b>{ $title }</b>: { $old } → { $new }. Sent to Kaspi, checking that it applies…
price-applied = ✅ <b>{ $title }</b>: { $old } → { $new }. Kaspi applied the price.
price-not-applied = ⚠️ <b>{ $title }</b>: Kaspi did not apply the price { $new }. Check the product in your Kaspi seller account or try again.
price-already-sent = The price { $price } for “{ $title }” is already sent to Kaspi — waiting for it to apply.
price-reason-manual = Changed by hand in Telegram

# Bot: on/off sale.
availability-sending = Sending to Kaspi…
availability-on-done = ✅ “{ $title }” is on sale again.
availability-off-done = ⛔ “{ $title }” is off sale.
availability-on-sent = ⏳ “{ $title }” is going back on sale: sent to Kaspi; the card updates once Kaspi applies it.
availability-off-sent = ⏳ “{ $title }” is being taken off sale: sent to Kaspi; the card updates once Kaspi applies it.
availability-failed = Could not change “{ $title }”: it is not in your Kaspi seller account. Refresh products: /sync
availability-not-applied = ⚠️ Kaspi has not applied the change for { $count } { $count ->
        [one] product
       *[other] products
    } yet. Check them in your Kaspi seller account.
batch-select-disable = Tick the products to take off sale. Selected: { $selected } of { $total }.
batch-select-enable = Tick the products to put on sale. Selected: { $selected } of { $total }.
batch-nothing-disable = All products are already off sale.
batch-nothing-enable = All products are already on sale.
button-select-page = Select the whole page
button-batch-done = Done ({ $count })
batch-empty = Nothing selected.
batch-expired = This list is outdated, open it again.
batch-too-many = At most { $max } SKUs at once.
batch-unknown-skus = Found in the active store neither by name nor by SKU: { $skus }
batch-confirm-disable = Take { $count } { $count ->
        [one] product
       *[other] products
    } off sale? Stock and other settings stay as they are.
batch-confirm-enable = Put { $count } { $count ->
        [one] product
       *[other] products
    } on sale?
batch-sending = Sending { $count } { $count ->
        [one] product
       *[other] products
    } to Kaspi…
batch-done-disable = ⛔ Taken off sale: { $count }.
batch-done-enable = ✅ Put on sale: { $count }.
batch-deferred = Not sent: { $count }. Kaspi allows a limited number of changes per 30 minutes — try again in 30 minutes.
batch-skipped = Skipped (not in your Kaspi seller account): { $count }.

# Bot: competitors.
offers-usage = Format: /offers product [city] (name, part of the name or SKU), for example /offers tefal kettle Astana
offers-header = <b>{ $title }</b> — { $city }, sellers: { $total }
offers-none = No other sellers.
offers-yours = you
offers-preorder = preorder { $days } d
offers-more = …and { $count } more

# Bot: settings.
settings = Language: { $language }
    Notifications: { $notify }
    Quiet hours: { $quiet }
    During quiet hours the repricer's reports arrive without sound.
quiet-none = none
button-quiet-off = 🔔 Always
notify-all = All
notify-important = Important
notify-off = Off

# Bot: demper.
command-demper = Repricer: status and settings
command-history = Price history of a product
button-demper = 🤖 Repricer
button-history = 📈 History
button-open-product = Open the product
button-demper-stop = ⛔ Stop the repricer
button-demper-rollback = ↩️ Restore earlier prices
button-demper-rollback-yes = Yes, restore
button-demper-on = ▶️ Turn on
button-demper-off = ⏸ Turn off
button-demper-dry = 🧪 Trial mode
button-demper-live = ✅ Live mode
button-demper-configure = ⚙️ Configure
demper-digest = 🤖 Repricer · <b>{ $store }</b>: prices changed — { $count }
demper-digest-dry-run = 🧪 Repricer · <b>{ $store }</b> (trial mode): I propose { $count } { $count ->
        [one] change
       *[other] changes
    }. Tap ✅ to apply — I will check the market again first.
demper-digest-line = { $index }. { $title }: { $old } → <b>{ $new }</b>. { $reason }
demper-alert-floor-reached = ⚠️ <b>{ $title }</b>: { $rivalName } sells at { $rivalPrice } — below your minimum { $floor }.
demper-alert-lost-first-place = 📉 <b>{ $title }</b>: we are no longer first.
demper-alert-not-applied = ⚠️ <b>{ $title }</b>: the new price { $newPrice } did not appear on Kaspi (it was { $old }). Kaspi now shows: { $shown }.
demper-alert-session-expired = 🔑 The Kaspi session of <b>{ $store }</b> expired — the repricer is paused. Log in again.
demper-alert-rate-limited = ⏳ Kaspi temporarily limited changes for <b>{ $store }</b>. The repricer resumes in about { $minutes } min.
demper-settings-usage = Write the settings in one line, for example: on min=10000 max=15000 step=10
    • min — the repricer never goes below this price (required)
    • max — it never goes above this one; max=- — no maximum
    • step — how much cheaper than the competitor: in ₸ (step=10) or in % (step=1%)
    • place=2 — hold 2nd place instead of 1st
    • mode=match — the leader's price, mode=hold — keep the price
    • every=5 — check every 5 minutes
    • city=Astana min=310000 — a city’s own min (max, step); city=Astana reset — as the product
    • off — turn the repricer off
demper-settings-ask = <b>{ $title }</b>
    Repricer: { $state }, min { $min }, max { $max }.
demper-state-on = on
demper-state-off = off
demper-settings-unknown = I did not understand “{ $word }”. Example: on min=10000 max=15000
demper-settings-bare-number = Is { $value } the minimum or the maximum? Write, for example: min={ $value }
demper-settings-bad-price = { $name }={ $value } is not a price. Use whole tenge from 10.
demper-settings-bad-step = step={ $value } — the step must be whole: from 1 ₸, or from 1% to { $max }%.
demper-settings-bad-mode = mode “{ $value }” is unknown — write mode=first, mode=match or mode=hold.
demper-settings-bad-place = place={ $value } — a place from 1 to 10.
demper-settings-bad-interval = every={ $value } — from 1 to { NUMBER($max, useGrouping: 0) } minutes.
demper-settings-empty = Write the settings, e.g.: on min=10000
demper-settings-floor-required = The repricer does not start without a minimum price: set min=…
demper-settings-min-above-max = The minimum { $min } is above the maximum { $max }.
demper-floor-above-price = ⚠️ <b>{ $title }</b>: the current price { $price } is below the new minimum — at the next check the repricer will raise it to at least { $floor }. If that is not what you want, change the minimum.
demper-floor-above-price-dry = ⚠️ <b>{ $title }</b>: the current price { $price } is below the new minimum — in trial mode the repricer will propose raising it to at least { $floor }.
demper-ceiling-below-price = ⚠️ <b>{ $title }</b>: the current price { $price } is above the new maximum — at the next check the repricer will lower it to at most { $ceiling }. If that is not what you want, change the maximum.
demper-ceiling-below-price-dry = ⚠️ <b>{ $title }</b>: the current price { $price } is above the new maximum — in trial mode the repricer will propose lowering it to at most { $ceiling }.
demper-strategy-first-place = first place
demper-strategy-match-leader = the leader's price
demper-strategy-target-place = place { $place }
demper-strategy-hold = hold the price
demper-product-on = 🤖 <b>{ $title }</b>
    Repricer on: { $strategy }, min { $min }, max { $max }, step { $step }, checked every { $minutes } min.
demper-product-off = 🤖 <b>{ $title }</b>
    Repricer off (min { $min }, max { $max }, step { $step }).
demper-store-on = 🤖 The repricer of <b>{ $store }</b> is on. Products with the repricer on: { $enabled } of { $total }.
demper-store-off = 🤖 The repricer of <b>{ $store }</b> is off. Products with the repricer on: { $enabled } of { $total }.
demper-store-dry-run = 🧪 Trial mode: the repricer only proposes prices.
demper-store-dry-run-silent = 🧪 Trial mode: the repricer only proposes prices — but notifications are off, so no proposals arrive. Turn them on in /settings.
demper-store-last-cycle = Last check { $at }: { $changes } { $changes ->
        [one] change
       *[other] changes
    }, { $applied } applied, { $failed } failed.
demper-store-no-cycles = The repricer has not changed anything yet.
demper-store-how-to = To turn the repricer on for a product: /demper name or SKU on min=…
demper-switched-on = Repricer on
demper-switched-off = Repricer off
demper-switched-dry = Trial mode on
demper-switched-live = Live mode on
demper-stopped = ⛔ The repricer of <b>{ $store }</b> is stopped. Changes not yet sent were cancelled: { $cancelled }.
demper-rollback-nothing = Nothing to restore: the repricer has not changed anything yet.
demper-rollback-ask = Restore the prices from before the repricer's last check in <b>{ $store }</b>? Products: { $count }. The repricer will be stopped.
demper-rolled-back = ↩️ <b>{ $store }</b>: repricer stopped, prices restored — { $sent }. Failed: { $left }.
demper-rollback-below-floor = below the minimum { $floor } — not restored
demper-rollback-failed-line = • { $title }: { $why }
demper-rollback-gone = not in your Kaspi seller account — refresh products: /sync
demper-rollback-changed-outside = the price was changed in your Kaspi seller account ({ $price }) — left as is
demper-rollback-other = did not work — try again later
demper-rollback-moved-on = The repricer has made another check since — this button is outdated. Tap “↩️ Restore earlier prices” again.
price-reason-rollback = Prices restored to before the repricer's last check
demper-proposal-expired = This proposal is outdated. Wait for the next check.
demper-proposal-checking = Checking the market…
demper-proposal-moved = <b>{ $title }</b>: the market moved, no change needed. { $reason }
demper-proposal-sent = ⏳ <b>{ $title }</b>: sent { $price } to Kaspi. { $reason }
demper-proposal-declined = OK, no change.

# Bot: history.
history-usage = Format: /history product (name, part of the name or SKU), for example /history tefal kettle
history-header = 📈 <b>{ $title }</b> — now { $price }
history-empty = The price has not changed yet.
history-line = { $at } · { $old } → { $new } · { $source }, { $status }. { $reason }
history-source-demper = repricer
history-source-manual = by hand
history-source-import = import
history-source-rollback = prices restored
history-status-planned = preparing
history-status-sent = sent
history-status-applied = applied
history-status-failed = not applied
history-chart-caption = Price over the last { $period }: yours — the blue line, the cheapest competitor — orange, your minimum — red dashes; ▲▼ — price changes (dark blue — the repricer, green — by hand, by file or restored).

# Bot: preorders.
command-preorders = Preorders: list, upload, Excel
preorders-header = 📦 Preorders · <b>{ $store }</b>
preorders-on-kaspi = On preorder at Kaspi: { $count }
preorders-planned = Planned (not at Kaspi yet): { $count }
preorders-buttons-legend = ✏️ — edit · 🗑 — cancel the plan · ⏹ — end the preorder on Kaspi
preorder-days = { $days } d
preorder-off = remove
button-preorders = 📦 Preorders
button-preorder-add = ➕ Add a preorder
button-preorder-upload = ⬆️ Upload to Kaspi
button-preorder-file = 📄 Upload as a file
button-preorder-xlsx = 📥 Download Excel
button-all-points = All points
button-next = Next ▶️
button-save = 💾 Save
preorder-ask-sku = Which product goes on preorder? Send its name, part of the name or its SKU:
preorder-ask-points = <b>{ $title }</b>
    At which points of sale? ☑️ — preorder at that point, ⬜️ — none. Tap a point to tick or untick it, then “Next”.
preorder-ask-points-hint = Tick the points above (☑️ — preorder at that point) and tap “Next”.
preorder-no-points = Tick at least one point.
preorder-ask-days = In how many days will you have it? A number from 1 to { $max }:
preorder-bad-days = “{ $days }” does not fit. A Kaspi preorder is a number of days from 1 to 30.
preorder-confirm = Preorder <b>{ $title }</b>: { $points } — { $days } d. Save?
preorder-confirm-hint = Tap “Save” or “Cancel”.
preorder-planned = 💾 Preorder <b>{ $title }</b> planned. Upload to Kaspi now?
preorder-unknown-product = There is no such product in your stores.
preorder-unknown-point = This product has no point { $point }.
preorder-removal-planned = Removal from preorder planned — upload it to Kaspi.
preorder-plan-cancelled = Plan cancelled.
preorder-plan-busy = This preorder is being uploaded — it cannot be cancelled.
preorder-status-planned = planned
preorder-status-uploading = uploading
preorder-status-uploaded = uploaded, waiting for Kaspi
preorder-status-confirmed = at Kaspi
preorder-status-failed = failed
preorder-status-on-kaspi = at Kaspi
preorder-failure-not-found = the product is not in your Kaspi account
preorder-failure-not-shown = Kaspi does not show the preorder — check your Kaspi account
preorder-failure-file-refused = Kaspi refused the file — send with “⬆️ Upload to Kaspi”
preorder-failure-not-sent = not sent — tap “⬆️ Upload to Kaspi” again
preorder-failure-points = your points of sale changed — refresh the products: /sync
preorder-failure-other = not sent — please try again
preorder-upload-started = ⬆️ Uploading preorders to Kaspi…
preorder-file-started = 📄 Preparing a price list and uploading it to Kaspi…
preorder-file-status = 📄 File at Kaspi: { $status }
preorder-file-processing = processing
preorder-file-flushed = processed
preorder-file-error = error
preorder-file-unfinished = Kaspi is still processing an earlier file — waiting
preorder-upload-running = An upload is already running — I will report the result.
preorder-upload-done = Sent to Kaspi: { $sent } of { $total }.
preorder-outcome-sent = sent
preorder-outcome-unchanged = already so at Kaspi
preorder-outcome-not-found = not in your Kaspi seller account
preorder-outcome-refused = not sent
preorder-outcome-deferred = not sent: Kaspi's limit, try again in 30 minutes
preorder-outcome-mixed-days = a file can only carry the same days at every point; use “Upload to Kaspi”
preorder-upload-failed = Upload failed: { $reason }
preorder-confirmed = ✅ Kaspi shows the preorder: { $count }.
preorder-removal-confirmed = ✅ Kaspi ended the preorder: { $count }.
preorder-not-shown = ⚠️ Kaspi does not show the preorder for { $count } { $count ->
        [one] product
       *[other] products
    } — check your Kaspi seller account.
preorder-verify-failed = The preorders were uploaded, but checking them at Kaspi failed: { $reason } Look again later: /preorders
preorder-xlsx-caption = Preorders: { $count }. Days are given per point of sale.
xlsx-preorders-sheet = Preorders
xlsx-title = Product
xlsx-brand = Brand
xlsx-price = Price, ₸
xlsx-status = Status

# Bot: Excel export and import.
command-export = Products in Excel
command-import = Upload an edited Excel file
export-caption = Products: { $count }. Change the price, on sale, minimum, maximum, step, repricer, strategy or preorder days and send the file back — I will show what changes and ask to confirm.
xlsx-products-sheet = Products
xlsx-col-sku = SKU
xlsx-col-title = Title
xlsx-col-price = Price, ₸
xlsx-col-onSale = On sale
xlsx-col-min = Minimum, ₸
xlsx-col-max = Maximum, ₸
xlsx-col-step = Step, ₸ or %
xlsx-col-demper = Repricer
xlsx-col-strategy = Strategy
xlsx-col-place = Place
xlsx-col-rival = Competitor, ₸
xlsx-col-preorder = Preorder, { $point }, days
xlsx-yes = yes
xlsx-no = no
xlsx-strategy-first_place = first place
xlsx-strategy-match_leader = leader's price
xlsx-strategy-hold = hold the price
xlsx-strategy-place = place { $place }
import-ask-file = Send the .xlsx file exported with /export and edited by you.
import-not-xlsx = I need an Excel file (.xlsx) exported with /export.
import-too-big = The file is larger than { $mb } MB — too many products at once. Split the file.
import-broken = Could not open the file: it is damaged or not Excel. Nothing changed.
import-foreign = This is not our file: no SKU column or known columns. Export products with /export and edit that file.
import-preorders-file = This is the preorder list — it is for reading only. To change preorders with a file, export the products with /export: it has a “Preorder …” column for each point. Or open /preorders.
import-too-many-rows = The file has more than { $max } rows — split it. Nothing changed.
import-preview = 📄 <b>{ $store }</b>: rows read — { $rows }. Products to change: { $changes } (prices — { $prices }, on sale — { $onSale }, repricer — { $demper }, preorder — { $preorders }).
import-on-sale = on sale
import-off-sale = off sale
import-demper-on = repricer on
import-demper-off = repricer off
import-demper-min = min { $value }
import-demper-max = max { $value }
import-demper-step = step { $value }
import-preorder-days = preorder { $points }
import-errors = ⚠️ Rows with errors: { $count } — they change nothing:
import-error-line = Row { $row } ({ $sku }): { $reason }
import-nothing = Nothing to change: everything is already so.
button-import-apply = ✅ Apply ({ $count })
import-confirm-hint = Tap “Apply” or “Cancel”.
import-applying = Applying changes: { $count }…
import-reason = Import from Excel
import-failed = Import stopped: { $reason } What was already sent is in the history.
import-done = ✅ Done. { $details }
import-row-no-sku = empty SKU
import-row-unknown-sku = no such SKU in the store
import-row-duplicate = the SKU is on several rows — none of them is applied
import-row-bad-price = price “{ $value }” — a whole number of tenge, 10 or more, is needed
import-row-bad-yes-no = “{ $value }” — use “yes” or “no”
import-row-bad-bound = { $column ->
        [min] “Minimum”
       *[other] “Maximum”
    }: “{ $value }” is not a price — a whole number of tenge from 10
import-row-bad-step = step “{ $value }” — whole ₸, or from 1% to 20%
import-row-bad-strategy = strategy “{ $value }” — write: first place, leader's price, hold the price or place 2
import-row-bad-days = preorder { $point } “{ $value }” — days from 0 to 30
import-row-no-point = the product has no point { $point }
import-row-min-above-max = minimum { $min } is above maximum { $max }
import-row-below-floor = price { $price } is below the minimum { $min }
import-row-price-changed-since = the price changed after this file was made (now { $price }) — row not applied; get a fresh file: /export
import-row-demper-needs-floor = the repricer cannot be on without a minimum

# Excel import: a file that unpacks to far more than its size (zip bomb)
import-unpacked-too-big = The file unpacks to more than { $mb } MB — it is not an /export file. Nothing changed.

# Sessions that last
stores-session-confirmed = session confirmed { $at }
stores-session-renewing = the bot logs in again by itself
demper-alert-session-renewal = { $reason ->
        [code-required] The bot could not log in by itself: Kaspi asks for the code from its e-mail, which only you can enter.
        [credentials-invalid] The bot could not log in by itself: Kaspi did not accept the saved e-mail and password.
        [merchant-missing] The bot could not log in by itself: this store is no longer in that Kaspi account.
        [unavailable] The bot could not log in by itself: e-mail login is not available on its server right now.
       *[tries-spent] The bot could not log in by itself: Kaspi answered none of its { $tries } tries this hour.
    }

# Forgiving reads
sync-warning-format = ⚠️ Kaspi changed its answer format: <code>{ $field }</code> is missing on { $missing } of { $of } products. Everything else was updated, removed products were not marked; we are on it.
sync-warning-short = ⚠️ Read { $read } of { $total }, removed products not marked: Kaspi returned an incomplete list. Run /sync again later.
sync-warning-no-total = ⚠️ Kaspi did not say how many products there are, so removed products were not marked.
sync-warning-unidentified = ⚠️ Products without a SKU in Kaspi's answer: { $count } — removed products not marked.
sync-warning-skipped = ⚠️ Products that could not be read: { $count } — left as they were.
sync-warning-unpriced = ⚠️ Products Kaspi sent without a price: { $count } — their previous price was kept.

# Login answers and e-mail login without a browser
kaspi-login-code-expired = The confirmation code is no longer valid — a new one is needed.
kaspi-login-email-unavailable = Logging in by e-mail is not available right now — please log in by SMS.
kaspi-login-choose-merchant = Kaspi asks which store this login is for. Log in again from the chat to choose it: /login
login-sms-code-expired = The SMS code is no longer valid. Tap “New code” and Kaspi will send a new one.
login-sms-email-code = Kaspi also sent a code to { $email }. Enter the code from the e-mail:
login-email-code-invalid = Wrong code from Kaspi's e-mail. Check the digits and send the code again.
login-email-not-a-code = The code is the digits from Kaspi's e-mail. Try again.
login-email-code-renewed = The code expired — Kaspi sent a new one to your e-mail. Enter it:
login-email-flood = Kaspi asks you to wait { $seconds } s before a new code. Then enter the password again.
login-code-wait = Kaspi asks you to wait { $seconds } s. Then send the code again.
kaspi-login-page-slow = Kaspi's login page did not answer in time. Please try again a little later: /login

# Prices per city
preorder-outcome-stock-unknown = Kaspi did not show the stock at a pickup point, and a file would overwrite it; use “Upload to Kaspi”
import-row-city-not-sold = the product is not sold in { $city }, so no price can be set there
import-row-price-and-city-price = both “Price” (every city) and the price for { $city } are filled in — keep one of them
demper-settings-twice = “{ $name }” is given twice — which value is right? Write it once. For a city’s own minimum send a separate message: city=Astana min=…
xlsx-col-city-price = Price, { $city }, ₸
xlsx-col-city-min = Minimum, { $city }, ₸
city-unknown = The store has no point in “{ $city }”. The store’s cities: { $cities }.
offers-our-price = Your price here: { $price }
preorder-outcome-city-prices = a file carries one price for all cities, but this product’s city prices differ; use “Upload to Kaspi”
button-price-all-cities = In every city
button-price-one-city = { $city } only
price-which-cities = <b>{ $title }</b>: the cities have different prices:
    { $now }
    Set { $price } in every city or in one only?
price-city-not-sold = <b>{ $title }</b> is not sold in { $city }, so no price can be set there.
price-refused = ⚠️ <b>{ $title }</b>: Kaspi refused the price — { $reasons }. Nothing was changed.
price-cannot-write = ⚠️ <b>{ $title }</b>: Kaspi did not show the product’s price in one of its cities, so nothing was sent. Update your products (/sync) and try again.
availability-refused-line = ⚠️ { $title }: Kaspi refused — { $reasons }
kaspi-refusal-price-too-low = the price is below 10 ₸
kaspi-refusal-unknown-point = the pickup point is not in your Kaspi seller account
kaspi-refusal-no-stock = no stock given
kaspi-refusal-offer-blocked = Kaspi’s moderation blocked the product — see your Kaspi seller account
kaspi-refusal-unknown = Kaspi gave no reason
demper-city-override = 🏙 { $city }: min { $min }, max { $max }, step { $step }
demper-settings-reset-needs-city = “reset” returns a city to the product’s own settings — name the city: city=Astana reset
demper-settings-city-bounds-only = A city can only have its own min, max and step. Set the strategy and the interval for the whole product, without “city=”.
demper-settings-city-step-tenge = A city’s own step is in tenge, for example: city=Astana step=10

# --- demper-v2-ui ---
button-demper-store-on = ▶️ Turn on the store's repricer
button-demper-filter-intercity = Ignore other cities: { $state }
button-demper-filter-unproven = Ignore newcomers: { $state }
demper-filter-switched-on = Filter on
demper-filter-switched-off = Filter off
demper-floor-raised = Minimum { $typed } is below Kaspi's lowest price — set to { $floor }.
import-floor-raised = minimum { $typed } is below Kaspi's lowest price — will be { $floor }
demper-store-switch-off = ⏸ The repricer of <b>{ $store }</b> is off: while it is off, no product is checked.
demper-first-check = First check within { $minutes } min.
demper-store-first-check = Products with the repricer on: { $count }. First check within { $minutes } min.
demper-store-switched-on = ▶️ The repricer of <b>{ $store }</b> is on.
demper-product-filters = Ignored sellers: from another city { $intercity }, rated below 4.0 with fewer than 10 reviews { $unproven }
demper-reason-price-war-probe = { $rival } answers each of our cuts within one check — it is a bot. We go once to your minimum { $new } to see where it stops, then settle just under its floor.
demper-reason-price-war-end = { $rival } does not go below { $rivalFloor } — setting { $new }, { $step } under it, and holding. The price war is over.
demper-reason-price-war-retreat = { $rival } goes below your minimum { $floor } in answer to every cut — we stop fighting: place { $place } at { $new }, just under { $anchor } ({ $anchorPrice }). We will look again later.
demper-reason-unreachable-first = { $rival } sells at { $rivalPrice }, below your minimum { $floor }: first place only with a minimum below { $needFloor }. Taking place { $place } at { $new }, { $step } under { $anchor } ({ $anchorPrice }).
demper-reason-unreachable-ceiling = { $rival } sells at { $rivalPrice }, below your minimum { $floor }: first place only with a minimum below { $needFloor }. No seller above your minimum to sit under — setting your maximum { $new }.
demper-reason-rival-raised = { $rival } (now the cheapest rival) raised to { $rivalPrice } — raising to { $new }, still first.
demper-reason-reversal-limit = Our price already went up and down in the last hour (reversals: { $count }) — holding { $old } so as not to rock the market.
demper-digest-waited = { $count } more changes wait: Kaspi allows 250 changes in 30 minutes; we will make them in the next checks.
demper-reason-undercut-filtered = { $rival } sells at { $rivalPrice } but ships from another city or has almost no reviews: a buyer pays about 10 % more not to wait. We set { $new } — first for the buyer (adjusted — { $anchorPrice }).
price-write-busy = ⏳ The demper or another action is changing this product’s price right now. Nothing was sent — try again in a minute.
demper-tap-hint = Tap a button to change a setting. In one line: /demper { $sku } on min=… max=… step=…
demper-tap-city = 🏙 <b>{ $city }</b>: min { $min }, max { $max }, step { $step } — the buttons below change this city only.
demper-tap-strategy-ask = 🎯 How should the repricer hold the price?
demper-tap-step-ask = 👣 How much cheaper than the competitor?
demper-tap-city-ask = 🏙 Which city gets its own min, max and step?
demper-tap-saved = ✅ Saved
demper-tap-floor-first = Set a minimum first: “Min −5 %”, “Min −10 %” or “✏️ Own min”.
button-tap-on = ▶️ Turn on
button-tap-off = ⏸ Turn off
button-tap-strategy = 🎯 Strategy
button-tap-floor = Min −{ $percent } %
button-tap-floor-enter = ✏️ Own min
button-tap-step = 👣 Step
button-tap-step-enter = ✏️ Own step
button-tap-city = 🏙 City
button-tap-walk = 📝 One by one
button-tap-text = ⌨️ As text
button-tap-back = « Back
button-tap-all-cities = « All cities
button-tap-city-reset = As product
button-tap-strategy-f = 🥇 First place
button-tap-strategy-m = 👑 As leader
button-tap-strategy-p2 = 🥈 2nd place
button-tap-strategy-h = ✋ Hold price
demper-setup-ask-min = ({ $n }/{ $total }) <b>Minimum</b> for { $title }: the repricer never goes below it. Now: { $current }, price: { $price }. Write an amount, e.g. { $example }.
demper-setup-ask-max = ({ $n }/{ $total }) <b>Maximum</b> for { $title }: the repricer never goes above it. Now: { $current }. Write an amount or tap “No maximum”.
demper-setup-ask-step = ({ $n }/{ $total }) <b>Step</b> for { $title }: how much cheaper than the competitor. Now: { $current }. Write tenge (10) or a percent (1%).
demper-setup-ask-enable = Turn the repricer on for this product now?
demper-setup-hint = Write a value or tap “Skip” or “Cancel”.
demper-setup-enable-hint = Tap “Turn on” or “Not now”.
demper-setup-bad-price = “{ $value }” is not a price. Write whole tenge, e.g. 12 000.
demper-setup-negative = A price cannot be negative (“{ $value }”). Write an amount from { $min } ₸.
demper-setup-under-kaspi-min = Kaspi takes no price under { $min } ₸ — write an amount from { $min } ₸.
demper-setup-bad-step = “{ $value }” is not a step. Write whole tenge (10) or a percent from 1 to { $max } (1%).
demper-setup-max-below-min = The maximum { $max } is below the minimum { $min } — write at least { $min } or tap “Skip”.
demper-setup-min-above-max = The minimum { $min } is above the maximum { $max } — write at most { $max } or tap “Skip”.
button-skip = ⏭ Skip
button-no-ceiling = No maximum
button-enable-now = ▶️ Turn on
button-not-now = Not now
left-demper-setup = Repricer setup cancelled.
availability-on-applied = ✅ “{ $title }” is on sale again: Kaspi applied it.
availability-off-applied = ✅ “{ $title }” is off sale: Kaspi applied it.
availability-not-applied-one = ⚠️ “{ $title }”: Kaspi has not applied the change yet. Check the product in the cabinet or try again.
availability-already-on = The product is already on sale. The card is updated.
availability-already-off = The product is already off sale. The card is updated.
card-price-pending = ⏳ Sent to Kaspi: { $prices } — waiting for Kaspi to confirm.
button-change-floor = ✏️ Change minimum
demper-alert-keep = Holding { $price } — place { $place }{ $needFloor ->
    [none] .
   *[other] ; first place only with a minimum below { $needFloor }.
}
demper-alert-move = Setting { $price } instead of { $old } — place { $place }{ $needFloor ->
    [none] .
   *[other] ; first place only with a minimum below { $needFloor }.
}
demper-alert-propose = Proposing { $price } instead of { $old } — place { $place }{ $needFloor ->
    [none] .
   *[other] ; first place only with a minimum below { $needFloor }.
}
sync-done-added = new: { $count }
sync-done-changed = changed: { $count }
sync-done-removed = removed: { $count }
sync-done-nothing = Nothing changed.
import-done-settings = repricer settings — { $count }
import-done-on-sale = on sale — { $count }
import-done-prices = prices — { $count }
import-done-preorders = preorders — { $count }
import-done-nothing = Nothing changed.
import-done-deferred = Not sent due to Kaspi's limit — { $count }: send the same file again in 30 minutes.
import-done-failed = Failed — { $count }.
import-done-all-sent = Everything was sent to Kaspi.
store-removed-last = Store <b>{ $name }</b> removed together with its login data. No other stores — connect one: /login
demper-store-off-vs-stop = ⏸ Turn off is this panel’s switch (▶️ turns it back on); ⛔ Stop does the same in an emergency, from any repricer digest, and reports the changes it cancelled.

# The main menu's sync button: two buttons share its row on a phone.
button-menu-sync = 🔄 Sync

# Products by name: every command and step that asks for a product
product-lookup-none = No product “{ $query }” in the active store — neither by name nor by SKU. Check the spelling or open the list: /products
product-lookup-several = Products matching “{ $query }”: { $count }. Which one?
product-lookup-more = Showing the first { $shown } of { $count } — type more of the name to see the others.
batch-ambiguous = Several products match these words — type more of the name or give the SKU: { $names }
xlsx-preorder-days = { $point }, days
batch-sent-disable = ⏳ Taking off sale: { $count }. Sent to Kaspi; this message updates once Kaspi applies it.
batch-sent-enable = ⏳ Putting back on sale: { $count }. Sent to Kaspi; this message updates once Kaspi applies it.
batch-applied-disable = ✅ Taken off sale: { $count }. Kaspi applied it.
batch-applied-enable = ✅ Back on sale: { $count }. Kaspi applied it.
history-chart-ours = Your price
history-chart-ours-city = Your price, { $city }
history-chart-rival = Cheapest competitor
history-chart-floor = Your minimum
history-chart-changes-demper = Repricer changes
history-chart-changes-other = Changes by hand
history-chart-hours = { $hours ->
    [one] { $hours } hour
   *[other] { $hours } hours
}
history-chart-days = { $days ->
    [one] { $days } day
   *[other] { $days } days
}
history-chart-caption-cities = Price over the last { $period }: your prices by city — lines of their own colours (see the legend), the cheapest competitor — orange, your minimum — red dashes; ▲▼ — price changes (dark blue — the repricer, green — by hand, by file or restored).
button-store-relogin = 🔑 Log in
