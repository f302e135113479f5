import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock.js';
import { createRateLimiter } from '../../../core/http/rateLimit.js';

describe('createRateLimiter', () => {
  it('allows `limit` hits per window and again after the window has passed', () => {
    const clock = new ManualClock();
    const limiter = createRateLimiter({ clock, rule: { limit: 2, windowMs: 1000 } });
    limiter.hit('a');
    limiter.hit('a');
    expect(() => limiter.hit('a')).toThrow(expect.objectContaining({ code: 'RATE_LIMITED' }));
    limiter.hit('b');
    clock.advance(1000);
    expect(() => limiter.hit('a')).not.toThrow();
  });
});
