import { describe, expect, it } from 'vitest';
import { oneLine, visible } from '../../core/terminalText.js';

describe('terminal text', () => {
  it('escapes C0, DEL and C1 controls but keeps newlines and tabs; oneLine escapes those too', () => {
    expect(visible('a\u001b[31mb\u0007c\u009bd\u007fe\nf\tg')).toBe('a\\x1b[31mb\\x07c\\x9bd\\x7fe\nf\tg');
    expect(oneLine('a\nb\tc\u0000')).toBe('a\\nb\\tc\\x00');
  });

  it('escapes bidirectional formatting characters, so a name cannot display reordered (Trojan Source)', () => {
    // "abc‮txt.exe" would show as "abcexe.txt" on a terminal that applies the override.
    expect(oneLine('abc\u202Etxt.exe')).toBe('abc\\u202etxt.exe');
    for (const c of ['\u061C', '\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069']) {
      expect(visible(`x${c}y`)).toBe(`x\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}y`);
    }
  });

  it('leaves ordinary text alone: Japanese, emoji, right-to-left letters themselves', () => {
    for (const text of ['パスキー 1', '佐藤 一郎', '🔑 key', 'שלום', 'مرحبا']) expect(oneLine(text)).toBe(text);
  });
});
