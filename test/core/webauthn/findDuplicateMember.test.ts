import { describe, expect, it } from 'vitest';
import { findDuplicateMember } from '../../../core/webauthn/index.js';

describe('findDuplicateMember (RFC 8259 §4: member names SHOULD be unique)', () => {
  it.each([
    ['{"a":1,"a":2}', 'a'],
    ['{"a":1,"\\u0061":2}', 'a'],
    ['{"x":{"b":1,"b":2}}', 'b'],
    ['[{"a":1},{"c":[{"d":1,"d":2}]}]', 'd'],
    ['{"s":"{\\"a\\":1,\\"a\\":2}","t":1,"t":2}', 't'],
  ])('finds the duplicate in %s', (text, name) => {
    JSON.parse(text);
    expect(findDuplicateMember(text)).toBe(name);
  });

  it.each([
    '{"type":"webauthn.create","challenge":"abc","origin":"https://x","crossOrigin":false}',
    '[{"a":1},{"a":2}]',
    '{"a":{"a":{"a":1}}}',
    '{"a":"\\"a\\":1","b":["a","a"]}',
    '"plain"',
  ])('finds none in %s', (text) => {
    JSON.parse(text);
    expect(findDuplicateMember(text)).toBeUndefined();
  });
});
