/**
 * Makes untrusted text (an operator's reason, a ticket reference) safe to print on one line:
 * CR, LF, TAB, ESC (ANSI sequences), other C0/C1 controls, bidi overrides and marks, and the invisible
 * U+200B (zero width space) and U+FEFF (byte order mark) become visible escapes.
 * Stored text stays as given; escape where it is displayed or logged.
 */
export function escapeForDisplay(text: string): string {
  let out = '';
  for (const ch of String(text)) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c === 0x1b) out += '\\e';
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0x2028 || c === 0x2029 || c === 0x200b || c === 0x200e || c === 0x200f || c === 0xfeff) {
      out += `\\u{${c.toString(16)}}`;
    } else out += ch;
  }
  return out;
}
