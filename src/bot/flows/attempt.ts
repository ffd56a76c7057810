import { isKaspiError, KaspiLoginError, sellerMessageOf } from '../../kaspi/errors.js';

/**
 * The JSON-safe outcome of a Kaspi call made inside a conversation: conversations persist what `external`
 * returns, so errors travel as a locale key and variables, not as Error objects.
 */
export type Attempt<T> =
  | { ok: true; value: T }
  | { ok: false; key: string; variables: Record<string, string | number>; code: string; sessionExpired: boolean };

export async function attempt<T>(task: () => Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await task() };
  } catch (error) {
    if (!isKaspiError(error)) throw error;
    const { key, variables } = sellerMessageOf(error);
    return {
      ok: false,
      key,
      variables,
      code: error instanceof KaspiLoginError ? error.errorCode : error.kind,
      sessionExpired: error.kind === 'session-expired',
    };
  }
}
