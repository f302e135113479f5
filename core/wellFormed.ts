/**
 * Lone UTF-16 surrogates: JSON escapes (`"\ud800"`) and IPC can carry them, but SQLite stores text
 * as UTF-8 and turns each into U+FFFD, so a string read back is not the string written. Anything
 * hashed and then stored (the audit chain) or compared after storage must be well-formed first.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/** `String.prototype.toWellFormed` (ES2024): each lone surrogate becomes U+FFFD, as SQLite would store it. */
export function toWellFormed(text: string): string {
  return hasLoneSurrogate(text) ? text.replace(LONE_SURROGATES, '\uFFFD') : text;
}
