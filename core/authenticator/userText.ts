/** What an authenticator keeps of user.name and user.displayName (WebAuthn §6.4.1: at least 64 bytes). */
export const STORED_USER_TEXT_BYTES = 64;

const encoder = new TextEncoder();
let graphemes: Intl.Segmenter | undefined;

/**
 * `text` cut to at most `maxBytes` UTF-8 bytes at a grapheme cluster boundary (§6.4.1: an
 * authenticator MAY truncate, to no less than 64 bytes, and SHOULD NOT split a grapheme cluster), so a
 * hostile RP's megabyte name neither fills the phone's vault nor reaches the device prompt whole.
 */
export function truncateUserText(text: string, maxBytes = STORED_USER_TEXT_BYTES): string {
  if (text.length * 3 <= maxBytes || encoder.encode(text).length <= maxBytes) return text;
  graphemes ??= new Intl.Segmenter('und', { granularity: 'grapheme' });
  let out = '';
  let bytes = 0;
  for (const { segment } of graphemes.segment(text)) {
    bytes += encoder.encode(segment).length;
    if (bytes > maxBytes) break;
    out += segment;
  }
  return out;
}
