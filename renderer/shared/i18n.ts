import { createI18n } from 'vue-i18n';
import { en } from './messages/en.js';
import { ja } from './messages/ja.js';

export type Locale = 'ja' | 'en';
export const LOCALES: readonly Locale[] = ['ja', 'en'];

function initialLocale(): Locale {
  const saved = globalThis.localStorage?.getItem('passkey-harness.locale');
  if (saved === 'ja' || saved === 'en') return saved;
  return globalThis.navigator?.language?.startsWith('en') ? 'en' : 'ja';
}

/** Composition-API i18n (no legacy mode, no runtime compiler needing eval under our CSP). */
export function createHarnessI18n(locale: Locale = initialLocale()) {
  return createI18n({ legacy: false, locale, fallbackLocale: 'en', messages: { ja, en } });
}

export function rememberLocale(locale: Locale): void {
  globalThis.localStorage?.setItem('passkey-harness.locale', locale);
  document.documentElement.lang = locale;
}
