import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { keyValues, padEnd, table } from '../../cli/output.js';

/** The terminal column where `needle` starts on `line` (wide characters count two). */
const columnOf = (line: string, needle: string) => stringWidth(line.slice(0, line.indexOf(needle)));

describe('cli tables align by display width (East Asian text)', () => {
  it('table: the column after a Japanese cell starts where it does after an ASCII one', () => {
    const text = table(
      [
        { username: 'yamada', displayName: '山田 太郎', status: '登録済', passkeyCount: 1 },
        { username: 'alice', displayName: 'Alice', status: '未登録', passkeyCount: 0 },
        { username: 'suzuki-hanako', displayName: '鈴木 花子（サポート）', status: 'unregistered', passkeyCount: 12 },
      ],
      ['username', 'displayName', 'status', 'passkeyCount'],
    );
    const [header, ...lines] = text.split('\n');
    const statusAt = columnOf(header!, 'STATUS');
    const countAt = columnOf(header!, 'PASSKEYCOUNT');
    expect(lines.map((l) => columnOf(l, l.includes('登録') ? (l.includes('未') ? '未登録' : '登録済') : 'unregistered'))).toEqual([statusAt, statusAt, statusAt]);
    expect(lines.map((l) => columnOf(l, l.trimEnd().split(' ').at(-1)!))).toEqual([countAt, countAt, countAt]);
  });

  it('keyValues and padEnd pad to terminal columns', () => {
    expect(padEnd('完了', 6)).toBe('完了  ');
    expect(padEnd('STEP1', 6)).toBe('STEP1 ');
    const lines = keyValues({ 表示名: '山田', username: 'yamada' }).split('\n');
    expect(lines.map((l) => columnOf(l, l.includes('山田') ? '山田' : 'yamada'))).toEqual([10, 10]);
  });
});
