import { describe, expect, it } from 'vitest';
import { HARNESS_ERROR_CODES, HarnessError } from '../../../core/errors.js';
import { statusForCode, toErrorReply } from '../../../core/http/errorResponse.js';

describe('statusForCode', () => {
  it('maps every decoding and WebAuthn verification code to 400 and only internal failures to 5xx', () => {
    for (const code of HARNESS_ERROR_CODES) {
      const status = statusForCode(code);
      if (code.startsWith('CBOR_') || code.startsWith('BASE64URL_') || code.startsWith('COSE_') || code.startsWith('AUTHDATA_') || code.startsWith('CLIENTDATA_')) {
        expect(status, code).toBe(400);
      }
      if (status >= 500) expect(['INTERNAL', 'STORE_FAILED', 'STORE_BUSY', 'SERVER_UNAVAILABLE', 'MAIL_FAILED'], code).toContain(code);
    }
    expect(statusForCode('CREDENTIAL_EXISTS')).toBe(409);
    expect(statusForCode('ACCOUNT_LOCKED')).toBe(423);
    expect(statusForCode('STEP_UP_REQUIRED')).toBe(403);
  });

  it('hides anything that is not a HarnessError behind INTERNAL', () => {
    const reply = toErrorReply(new TypeError('secret detail'));
    expect(reply).toMatchObject({ status: 500, body: { code: 'INTERNAL', message: 'Internal error' } });
  });

  it('turns retryAfterMs into a whole-second Retry-After', () => {
    expect(toErrorReply(new HarnessError('RATE_LIMITED', 'slow down', { details: { retryAfterMs: 1500 } })).headers['Retry-After']).toBe('2');
  });

  it('answers STORE_BUSY with 503 and a Retry-After', () => {
    expect(toErrorReply(new HarnessError('STORE_BUSY', 'busy'))).toMatchObject({ status: 503, body: { code: 'STORE_BUSY' }, headers: { 'Retry-After': '1' } });
  });
});
