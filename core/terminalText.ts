/**
 * Untrusted text (names, files, error messages) on its way to a terminal: never let it drive the
 * terminal. C0 controls, DEL and C1 controls (ESC and the 8-bit CSI U+009B among them) become `\xNN`;
 * bidirectional formatting characters (RLO U+202E and kin), which reorder what a reader sees without
 * touching the bytes (CVE-2021-42574, "Trojan Source"), become `\uNNNN`. Backslashes are left alone,
 * so the escape is readable, not reversible.
 */
export function visible(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
      .replace(/[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  );
}

/** For one-line fields (names, files, table cells): newlines and tabs escaped too, so a value cannot forge lines. */
export function oneLine(text: string): string {
  return visible(text).replace(/[\n\t]/g, (c) => (c === '\n' ? '\\n' : '\\t'));
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;

/** Any C0 control (tab and newline included), DEL or C1 control: what a name shown on one line must not hold. */
export function hasControlCharacter(text: string): boolean {
  return CONTROL.test(text);
}
