import type { Clock } from '../clock.js';
import { HarnessError } from '../errors.js';

export interface RateLimitRule {
  /** Requests allowed per key in one window. */
  limit: number;
  windowMs: number;
}

export interface RateLimiter {
  /** Counts one request for `key`; throws `RATE_LIMITED` (with `retryAfterMs` in details) once over the limit. */
  hit(key: string): void;
}

/** Fixed-window counter in memory: enough for one harness process, and deterministic under a ManualClock. */
export function createRateLimiter({ clock, rule }: { clock: Clock; rule: RateLimitRule }): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    hit(key) {
      const now = clock.now();
      if (windows.size > 10_000) {
        for (const [k, w] of windows) if (now - w.start >= rule.windowMs) windows.delete(k);
      }
      let w = windows.get(key);
      if (!w || now - w.start >= rule.windowMs) {
        w = { start: now, count: 0 };
        windows.set(key, w);
      }
      w.count += 1;
      if (w.count > rule.limit) {
        throw new HarnessError('RATE_LIMITED', 'Too many requests; try again later', {
          details: { retryAfterMs: w.start + rule.windowMs - now },
        });
      }
    },
  };
}
