import { describe, expect, it } from 'vitest';
import { checkRpId, checkRpIdCached } from '../../../core/client/checkRpId.js';
import { HarnessError } from '../../../core/errors.js';

function verdict(run: () => unknown): string {
  try {
    return `ok ${String(run())}`;
  } catch (error) {
    return error instanceof HarnessError ? `${error.code}: ${error.message}` : `raw ${(error as Error)?.constructor?.name}`;
  }
}

// WebAuthn §5.1.3 steps 7–8 / §5.1.4.1 steps 6–7, as checkRpId.test.ts exercises them, passes and refusals mixed.
const CASES: [string, unknown][] = [
  ['https://login.bank.example.jp', undefined],
  ['https://login.bank.example.jp', 'Bank.Example.JP'],
  ['https://login.bank.example.jp', 'bank.example.jp'],
  ['https://login.bank.example.jp', 'example.jp'],
  ['https://login.bank.example.jp', 'other.example.jp'],
  ['https://login.bank.example.jp', 'co.jp'],
  ['http://localhost:3000', 'localhost'],
  ['http://localhost:3000', undefined],
  ['http://localhost:8787', 'localhost'],
  ['http://example.com', 'example.com'],
  ['https://127.0.0.1', '127.0.0.1'],
  ['https://1.2.3.4', undefined],
  ['https://[::1]', '[::1]'],
  ['https://shop.com.', 'com.'],
  ['https://a.b.co.uk.', 'co.uk.'],
  ['https://shop.example.com.', 'example.com.'],
  ['https://x..com', '.com'],
  ['https://bank.example.jp', ''],
  ['https://bank.example.jp', 5],
  ['https://bank.example.jp', null],
  ['https://bank.example.jp', {}],
  ['https://bank.example.jp', ['bank.example.jp']],
  ['https://bank.example.jp/', 'bank.example.jp'],
  ['not a url', undefined],
];

describe('checkRpIdCached', () => {
  it('gives checkRpId’s verdict for every case, on the first call and on the repeats the cache answers', () => {
    for (let round = 0; round < 3; round++) {
      for (const [origin, rpId] of CASES) expect(verdict(() => checkRpIdCached(origin, rpId)), `${origin} ${String(rpId)} round ${round}`).toBe(verdict(() => checkRpId(origin, rpId)));
    }
  });

  it('keeps a refusal a refusal: the same refused pair is judged and thrown again', () => {
    for (let i = 0; i < 3; i++) expect(() => checkRpIdCached('https://bank.example.jp', 'evil.example')).toThrow(HarnessError);
  });

  it('keys the verdict by origin: an RP ID passed for one origin is still refused for another', () => {
    expect(checkRpIdCached('https://login.bank.example.jp', 'bank.example.jp')).toBe('bank.example.jp');
    expect(() => checkRpIdCached('https://login.evil.example.jp', 'bank.example.jp')).toThrow(HarnessError);
    expect(() => checkRpIdCached('http://login.bank.example.jp', 'bank.example.jp')).toThrow(HarnessError);
  });

  it('keys the verdict by the RP ID as sent: an absent RP ID is not the empty one', () => {
    expect(checkRpIdCached('http://localhost:3000', undefined)).toBe('localhost');
    expect(() => checkRpIdCached('http://localhost:3000', '')).toThrow(HarnessError);
  });

  it('stays correct past its bound (more origins and RP IDs than it keeps)', () => {
    for (let i = 0; i < 200; i++) {
      const origin = `https://login${i}.bank.example.jp`;
      expect(checkRpIdCached(origin, `login${i}.bank.example.jp`)).toBe(`login${i}.bank.example.jp`);
      expect(() => checkRpIdCached(origin, `login${i + 1}.bank.example.jp`)).toThrow(HarnessError);
    }
    for (let i = 0; i < 200; i++) expect(checkRpIdCached('https://a.b.c.example.jp', i % 2 ? 'example.jp' : 'c.example.jp')).toBe(i % 2 ? 'example.jp' : 'c.example.jp');
  });
});
