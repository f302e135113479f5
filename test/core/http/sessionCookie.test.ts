import { describe, expect, it } from 'vitest';
import { cookieNameFor } from '../../../core/http/sessionCookie.js';

describe('cookieNameFor', () => {
  it('gives each slot its own valid cookie name', () => {
    expect(cookieNameFor('pkh_session', undefined)).toBe('pkh_session');
    expect(cookieNameFor('pkh_session', 'default')).toBe('pkh_session');
    expect(cookieNameFor('pkh_session', 'phone-1')).toBe('pkh_session_phone-1');
    const a = cookieNameFor('pkh_session', encodeURIComponent('山田のiPhone'));
    const b = cookieNameFor('pkh_session', encodeURIComponent('鈴木のiPhone'));
    expect(a).toMatch(/^pkh_session_h[A-Za-z0-9_-]{16}$/);
    expect(a).not.toBe(b);
    expect(() => cookieNameFor('pkh_session', 'x'.repeat(300))).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
