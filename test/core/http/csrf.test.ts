import { describe, expect, it } from 'vitest';
import { checkCsrf } from '../../../core/http/csrf.js';

describe('checkCsrf', () => {
  const allowedOrigins = new Set(['http://localhost:8787']);
  it('lets reads through and demands Origin + header on writes', () => {
    expect(() => checkCsrf({ method: 'GET', origin: undefined, csrfHeader: undefined, allowedOrigins })).not.toThrow();
    expect(() => checkCsrf({ method: 'POST', origin: 'http://localhost:8787', csrfHeader: '1', allowedOrigins })).not.toThrow();
    for (const bad of [
      { origin: undefined, csrfHeader: '1' },
      { origin: 'null', csrfHeader: '1' },
      { origin: 'http://localhost:8788', csrfHeader: '1' },
      { origin: 'http://localhost:8787', csrfHeader: undefined },
    ]) {
      expect(() => checkCsrf({ method: 'DELETE', ...bad, allowedOrigins })).toThrow(expect.objectContaining({ code: 'CSRF_REJECTED' }));
    }
  });
});
