import { z } from 'zod';

import { KaspiLoginError } from '../errors.js';
import type { KaspiResponse } from '../http.js';
import { loginResponse, parseKaspi } from '../schemas.js';

/** A merchant the login service offers to choose from. */
export interface MerchantChoice {
  uid: string;
  name: string | undefined;
}

/**
 * What the login service wants next after a step it accepted (REFERENCE §1.3): nothing (`redirectUrl`: the OAuth
 * hand-off may start), the code it e-mailed (`email`), or which merchant the session is for (`su`).
 */
export type IdmcNext =
  | { next: 'authenticated' }
  | { next: 'email-code'; email: string }
  | { next: 'choose-merchant'; merchants: MerchantChoice[] };

/** Reads `POST /api/p/login`: Kaspi's errorCode becomes a KaspiLoginError with a seller-readable key. */
export function checkLoginAnswer(response: KaspiResponse) {
  if (response.status >= 400 || response.json === undefined) {
    const parsed = loginResponse.safeParse(response.json);
    const errorCode = (parsed.success ? parsed.data.errorCode : undefined) ?? 'FAILED';
    const breakTime = parsed.success ? (parsed.data.errorData?.breakTimeSeconds ?? undefined) : undefined;
    throw new KaspiLoginError(
      `Kaspi refused the login step (${response.status} ${errorCode})`,
      'login.api',
      errorCode,
      breakTime,
    );
  }
  const body = parseKaspi(loginResponse, response.json, 'login.api');
  if (body.errorCode)
    throw new KaspiLoginError(
      `Kaspi refused the login step (${body.errorCode})`,
      'login.api',
      body.errorCode,
      body.errorData?.breakTimeSeconds ?? undefined,
    );
  return body;
}

/** The next step named by an accepted answer; an answer that names none is not one we can act on. */
export function nextLoginStep(body: ReturnType<typeof checkLoginAnswer>): IdmcNext {
  if (body.redirectUrl !== undefined) return { next: 'authenticated' };
  if (body.su !== undefined && body.su !== null)
    return { next: 'choose-merchant', merchants: readMerchantChoice(body.su) };
  if (typeof body.email === 'string' && body.email !== '') return { next: 'email-code', email: body.email };
  throw new KaspiLoginError('Kaspi accepted the step but named no next one', 'login.api', 'FAILED');
}

/*
 * The `su` list is known only from the login page's code, not from a recorded answer, so its items are read
 * forgivingly: an id under any of the names seen for merchants, and a name if there is one.
 */
const choiceItem = z.looseObject({}).transform((item, context) => {
  const record = item as Record<string, unknown>;
  const id = ['merchantUid', 'uid', 'merchantId', 'id', 'code']
    .map((key) => record[key])
    .find((value) => typeof value === 'string' || typeof value === 'number');
  const name = ['merchantName', 'name', 'title', 'displayName']
    .map((key) => record[key])
    .find((value) => typeof value === 'string');
  if (id === undefined) {
    context.addIssue({ code: 'custom', message: 'a merchant without an id' });
    return z.NEVER;
  }
  return { uid: String(id), name: name as string | undefined };
});
const merchantChoice = z.union([
  z.array(choiceItem).min(1),
  z.looseObject({ merchants: z.array(choiceItem).min(1) }).transform((value) => value.merchants),
]);

export function readMerchantChoice(su: unknown): MerchantChoice[] {
  return parseKaspi(merchantChoice, su, 'login.merchant-choice');
}
