import { expect, it } from 'vitest';
import { setBounded } from '../../core/boundedMap.js';

it('setBounded keeps at most max entries, the oldest inserted leaving first; setting a key again makes it newest', () => {
  const map = new Map<string, number>();
  setBounded(map, 'a', 1, 3);
  setBounded(map, 'b', 2, 3);
  setBounded(map, 'a', 10, 3); // refreshed: now newer than b
  setBounded(map, 'c', 3, 3);
  setBounded(map, 'd', 4, 3); // full: b, the oldest, leaves
  expect([...map]).toEqual([['a', 10], ['c', 3], ['d', 4]]);
  // Replacing a key of a full map evicts nothing else.
  setBounded(map, 'd', 5, 3);
  expect([...map]).toEqual([['a', 10], ['c', 3], ['d', 5]]);
});
