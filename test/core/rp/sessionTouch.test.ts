import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../../core/rp/index.js';
import { sessionTouchAfterMs } from '../../../core/rp/session/requireSession.js';
import { codeOf, seedCustomer, setup } from './support.js';

/** last_seen_at is written only when stale, yet a session in use never idles out and an idle one does. */
describe('session last_seen_at: touched when stale', () => {
  const step = sessionTouchAfterMs(DEFAULT_POLICY.sessionIdleMs);

  it('is one minute for the default 30-minute idle timeout', () => {
    expect(step).toBe(60_000);
  });

  it('a request within the step writes nothing; the first after it writes the time', () => {
    const env = setup();
    seedCustomer(env);
    const { sessionId } = env.rp.login({ loginId: 'yamada', password: 'login-pass' });
    const [created] = env.store.sessions.listForAccount(env.store.accounts.byLoginId('yamada')!.id);
    env.clock.advance(step - 1);
    env.rp.getSession({ sessionId });
    expect(env.store.sessions.byId(created!.id)!.lastSeenAt).toBe(created!.lastSeenAt);
    env.clock.advance(1);
    env.rp.getSession({ sessionId });
    expect(env.store.sessions.byId(created!.id)!.lastSeenAt).toBe(env.clock.now());
    env.store.close();
  });

  it('a session used every 50 s stays alive past the idle timeout; left idle longer than it, it ends', async () => {
    const env = setup();
    seedCustomer(env);
    const { sessionId } = env.rp.login({ loginId: 'yamada', password: 'login-pass' });
    for (let t = 0; t < DEFAULT_POLICY.sessionIdleMs * 2; t += 50_000) {
      env.clock.advance(50_000);
      expect(await codeOf(() => env.rp.getSession({ sessionId }))).toBe('NO_ERROR');
    }
    env.clock.advance(DEFAULT_POLICY.sessionIdleMs + 1);
    expect(await codeOf(() => env.rp.getSession({ sessionId }))).toBe('AUTH_REQUIRED');
    env.store.close();
  });
});
