/**
 * Inline-button data: compact (Telegram allows 64 bytes) and versioned, `1:<action>:<arg>:<arg>`. A button
 * from an older layout, or data a client forged, parses to `undefined` or to ids that the ownership checks
 * refuse; nothing is trusted because it came from a button.
 */
export const CALLBACK_VERSION = '1';

export const ACTIONS = {
  menu: 'm', // m:<screen>
  loginMethod: 'lm', // lm:sms|email
  merchant: 'mc', // mc:<index>   (inside a login conversation)
  resendCode: 'rc',
  cancel: 'x',
  store: 's', // s:<storeId>        make active
  storeRelogin: 'sr', // sr:<storeId>
  storeRemove: 'sd', // sd:<storeId>   ask
  storeRemoveYes: 'sy', // sy:<storeId>
  sync: 'sync', // sync:<storeId>
  list: 'pl', // pl:<page>
  product: 'p', // p:<productId>
  priceEdit: 'pe', // pe:<productId>
  priceConfirm: 'pf', // pf:<productId>:<price>:<price when asked>:<floor confirmed, 0 = none>[:<cityId>|all]
  priceCity: 'pk', // pk:<productId>:<price>:<cityId>|all   which cities a new price goes to
  onSale: 'po', // po:<productId>:<0|1>
  competitors: 'pc', // pc:<productId>[:<cityId>]
  batchToggle: 'bt', // bt:<productId>
  batchPage: 'bp', // bp:<page>
  batchAll: 'ba',
  batchDone: 'bd',
  batchYes: 'by',
  batchNo: 'bn',
  demper: 'dm', // dm:<storeId>:on[:p]|off|dry|live|fi|fu   store-wide switches (p: under a product's reply), rival filters
  demperProduct: 'dp', // dp:<productId>              open the product's demper settings
  demperTap: 'dt', // dt:<productId>:<op>[:<value>[:<cityId>]]   a product's demper settings by buttons
  demperStop: 'ds', // ds:<storeId>                  panic: stop every change of the store
  demperRollback: 'dr', // dr:<storeId>              ask to restore prices before the last cycle
  demperRollbackYes: 'dry', // dry:<storeId>
  proposalYes: 'py', // py:<productId>:<price>:<issuedMinute>[:<cityId>]   dry-run ✅
  proposalNo: 'pn', // pn:<productId>
  history: 'h', // h:<productId>
  preorders: 'pr', // pr:<what>[:<id>]   list actions: add, upload, file, xlsx, edit:<productId>, del:<preorderId>, off:<productId>
  pointToggle: 'pt', // pt:<index>          (inside the preorder conversation)
  pointAll: 'pa',
  pointDone: 'pd',
  save: 'sv',
  language: 'lang', // lang:ru|kk|en
  notify: 'nt', // nt:all|important|off
  lookupPick: 'lp', // lp:<intent>:<token>:<productId>   a product picked among those a typed name matched
} as const;

export type Action = (typeof ACTIONS)[keyof typeof ACTIONS];

export function callbackData(action: Action, ...args: (string | number)[]): string {
  const data = [CALLBACK_VERSION, action, ...args].join(':');
  if (Buffer.byteLength(data) > 64) throw new Error(`callback data too long: ${data}`);
  return data;
}

export interface ParsedCallback {
  action: string;
  args: string[];
}

/** `undefined` for anything that is not a button of the current layout. */
export function parseCallback(data: string | undefined): ParsedCallback | undefined {
  if (!data || data.length > 64) return undefined;
  const [version, action, ...args] = data.split(':');
  if (version !== CALLBACK_VERSION || !action) return undefined;
  if (!args.every((arg) => /^[\w.-]{0,32}$/.test(arg))) return undefined;
  return { action, args };
}

/** A positive integer id from a button argument, else `undefined`. */
export function idArg(value: string | undefined): number | undefined {
  if (!value || !/^\d{1,10}$/.test(value)) return undefined;
  const id = Number(value);
  return id > 0 && id <= 2_147_483_647 ? id : undefined;
}

/** Matches buttons of one action, for `bot.callbackQuery(...)`. */
export function actionPattern(action: Action): RegExp {
  return new RegExp(`^${CALLBACK_VERSION}:${action}(?::|$)`);
}
