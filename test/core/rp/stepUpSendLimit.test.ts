import { expect, it } from 'vitest';
import { codeOf, seedCustomer, setup } from './support.js';

// The codes of a session go with it (logout, purge); the per-account send limit must not.
it('the step-up mail limit per account survives logout and purge (RATE_LIMITED until the window passes)', async () => {
  const env = setup();
  seedCustomer(env);
  let { sessionId } = env.rp.login({ loginId: 'yamada', password: 'login-pass' });
  const emailId = env.rp.listEmails({ sessionId }).emails[0]!.emailId;
  for (let i = 0; i < env.rp.policy.maxSendsPerWindow; i++) await env.rp.sendStepUpEmail({ sessionId, emailId });
  expect(await codeOf(env.rp.sendStepUpEmail({ sessionId, emailId }))).toBe('RATE_LIMITED');
  env.rp.logout({ sessionId });
  env.rp.purgeExpired();
  ({ sessionId } = env.rp.login({ loginId: 'yamada', password: 'login-pass' }));
  expect(await codeOf(env.rp.sendStepUpEmail({ sessionId, emailId }))).toBe('RATE_LIMITED');
  env.clock.advance(env.rp.policy.sendWindowMs + 1);
  expect(await codeOf(env.rp.sendStepUpEmail({ sessionId, emailId }))).toBe('NO_ERROR');
});
