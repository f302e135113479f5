/**
 * How the console shows times and algorithms: local time for people, the UTC value on hover
 * (the `title`), so support can match a customer's "around 3 pm" and the audit's UTC alike.
 */
export function localTime(iso: string | null | undefined, locale?: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(locale === 'ja' ? 'ja-JP' : 'en-GB', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function utcTitle(iso: string | null | undefined): string | undefined {
  return iso ? `${iso} (UTC)` : undefined;
}

/** COSE algorithm identifiers (RFC 9053) by the names DevTools shows. */
const ALGORITHMS: Record<number, string> = { [-7]: 'ES256', [-8]: 'EdDSA', [-257]: 'RS256', [-35]: 'ES384', [-36]: 'ES512' };

export function algorithmName(alg: number): string {
  return ALGORITHMS[alg] ?? String(alg);
}

/** The 6-digit code in a step-up mail, if any. */
export function mailCode(text: string): string | undefined {
  return /\b(\d{6})\b/.exec(text)?.[1];
}

/** Masks digits for viewers (the server masks codes for them too; this keeps the UI honest if it does not). */
export function maskDigits(text: string): string {
  return text.replace(/\b\d{6}\b/g, '••••••');
}

export function shortId(id: string): string {
  return id.length > 16 ? `${id.slice(0, 8)}…${id.slice(-6)}` : id;
}
