import { describe, expect, it } from 'vitest';
import { checkRpId } from '../../../core/client/checkRpId.js';
import { HarnessError } from '../../../core/errors.js';

function codeOf(run: () => unknown): string {
  try {
    return `ok ${String(run())}`;
  } catch (error) {
    return error instanceof HarnessError ? error.code : `raw ${(error as Error)?.constructor?.name}`;
  }
}

describe('checkRpId', () => {
  it('accepts the origin host, a registrable suffix of it, and normalises case', () => {
    expect(checkRpId('https://login.bank.example.jp', undefined)).toBe('login.bank.example.jp');
    expect(checkRpId('https://login.bank.example.jp', 'Bank.Example.JP')).toBe('bank.example.jp');
    expect(checkRpId('http://localhost:3000', 'localhost')).toBe('localhost');
  });

  // WebAuthn §5.1.3 step 7 / §5.1.4.1 step 6: the effective domain must be a valid domain; an IP address is not.
  it('refuses origins on an IP address, with or without an RP ID', () => {
    for (const [origin, rpId] of [['https://127.0.0.1', '127.0.0.1'], ['https://1.2.3.4', undefined], ['https://[::1]', undefined], ['https://[::1]', '[::1]']] as const) {
      expect(codeOf(() => checkRpId(origin, rpId))).toBe('SECURITY_ERROR');
    }
  });

  it('refuses a public suffix spelt with a root dot (com. is com)', () => {
    expect(codeOf(() => checkRpId('https://shop.com.', 'com.'))).toBe('SECURITY_ERROR');
    expect(codeOf(() => checkRpId('https://a.b.co.uk.', 'co.uk.'))).toBe('SECURITY_ERROR');
    expect(checkRpId('https://shop.example.com.', 'example.com.')).toBe('example.com.');
  });

  it('refuses RP IDs with empty labels, which slip past a plain suffix test', () => {
    expect(codeOf(() => checkRpId('https://x..com', '.com'))).toBe('SECURITY_ERROR');
    expect(codeOf(() => checkRpId('https://x..co.uk', '.co.uk'))).toBe('SECURITY_ERROR');
    expect(codeOf(() => checkRpId('https://bank.example.jp', ''))).toBe('SECURITY_ERROR');
  });

  // The Public Suffix List as browsers ship it, not a hand-picked few: ICANN and private sections, wildcards and exceptions.
  it('refuses every public suffix of the list (ICANN and private sections, wildcard rules), and accepts the domain under it', () => {
    const refused: [string, string][] = [
      ['https://shop.example.co.kr', 'co.kr'],
      ['https://a.b.kawasaki.jp', 'b.kawasaki.jp'],
      ['https://bucket.s3.amazonaws.com', 's3.amazonaws.com'],
      ['https://me.blogspot.com', 'blogspot.com'],
      ['https://app.example.gov.uk', 'gov.uk'],
      ['https://x.github.io', 'github.io'],
      ['https://a.example.co.jp', 'co.jp'],
    ];
    for (const [origin, rpId] of refused) expect(codeOf(() => checkRpId(origin, rpId)), rpId).toBe('SECURITY_ERROR');
    const accepted: [string, string][] = [
      ['https://shop.example.co.kr', 'example.co.kr'],
      ['https://me.blogspot.com', 'me.blogspot.com'],
      ['https://login.city.kawasaki.jp', 'city.kawasaki.jp'],
      ['https://app.example.gov.uk', 'example.gov.uk'],
      ['https://login.bank.example.jp', 'example.jp'],
      ['http://app.localhost:8787', 'app.localhost'],
    ];
    for (const [origin, rpId] of accepted) expect(checkRpId(origin, rpId)).toBe(rpId);
  });

  it('refuses a non-string RP ID with SecurityError, never a raw TypeError', () => {
    for (const rpId of [5, null, {}, ['bank.example.jp']]) expect(codeOf(() => checkRpId('https://bank.example.jp', rpId))).toBe('SECURITY_ERROR');
  });
});
