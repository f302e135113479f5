import { HarnessError } from '../../errors.js';

/** The languages a default passkey name is written in (the customer pages' two). */
export const PASSKEY_NAME_LOCALES = ['ja', 'en'] as const;
export type PasskeyNameLocale = (typeof PASSKEY_NAME_LOCALES)[number];

/**
 * The caller's `locale`; absent (undefined or null, as for `name`) means Japanese: the brokerage and
 * most of its customers are. Anything else is the caller's input error.
 */
export function parseNameLocale(value: unknown): PasskeyNameLocale {
  if (value === undefined || value === null) return 'ja';
  if (!(PASSKEY_NAME_LOCALES as readonly unknown[]).includes(value)) throw new HarnessError('INVALID_INPUT', `locale must be one of ${PASSKEY_NAME_LOCALES.join(', ')}`);
  return value as PasskeyNameLocale;
}

/**
 * What a passkey registered without a name is called: its number among the account's passkeys, in
 * the customer's language.
 *
 * @example defaultPasskeyName('en', 2) // 'Passkey 2'
 */
export function defaultPasskeyName(locale: PasskeyNameLocale, n: number): string {
  return locale === 'en' ? `Passkey ${n}` : `パスキー ${n}`;
}
