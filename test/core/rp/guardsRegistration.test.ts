import { describe, expect, it } from 'vitest';
import { hashToken } from '../../../core/rp/session/sessionToken.js';
import { codeOf, loginAndStepUp, phone, seedCustomer, setup } from './support.js';

/** Registration guards that no other test pinned: the ceremony's session binding and the RP's UV policy. */

function fresh(policy: Parameters<typeof setup>[0] = {}) {
  const env = setup(policy);
  seedCustomer(env);
  return env;
}

describe('a registration ceremony is bound to the session that started it', () => {
  it('another session of the same customer, without a step-up, cannot finish it (CHALLENGE_NOT_FOUND)', async () => {
    const env = fresh();
    // A password-only session (someone who knows the password), opened before the ceremony started.
    const other = env.rp.login({ loginId: 'yamada', password: 'login-pass' }).sessionId;
    const stepped = await loginAndStepUp(env);
    const reg = await env.rp.startRegistration({ sessionId: stepped });
    const response = await phone(env).client.create(reg.options);
    expect(await codeOf(env.rp.finishRegistration({ sessionId: other, ceremonyId: reg.ceremonyId, response }))).toBe('CHALLENGE_NOT_FOUND');
    expect(env.store.passkeys.byCredentialId(response.id)).toBeUndefined();
    env.store.close();
  });

  it("another customer's session that reuses the row ID within the same millisecond cannot finish it (CHALLENGE_NOT_FOUND)", async () => {
    const env = fresh();
    seedCustomer(env, 'tanaka');
    const yamada = await loginAndStepUp(env);
    const reg = await env.rp.startRegistration({ sessionId: yamada });
    const response = await phone(env).client.create(reg.options);
    const oldRow = env.store.sessions.withAccount(hashToken(yamada))!.session.id;
    env.rp.logout({ sessionId: yamada });
    // No clock advance: the new session is not younger than the ceremony, so only the account tells them apart.
    const tanaka = env.rp.login({ loginId: 'tanaka', password: 'login-pass' }).sessionId;
    expect(env.store.sessions.withAccount(hashToken(tanaka))!.session.id).toBe(oldRow);
    expect(await codeOf(env.rp.finishRegistration({ sessionId: tanaka, ceremonyId: reg.ceremonyId, response }))).toBe('CHALLENGE_NOT_FOUND');
    expect(env.store.passkeys.byCredentialId(response.id)).toBeUndefined();
    env.store.close();
  });
});

describe("policy.userVerification 'required'", () => {
  it('overrides a caller asking for less: the options require UV and a response without UV is USER_VERIFICATION_REQUIRED', async () => {
    const env = fresh({ policy: { userVerification: 'required' } });
    const sessionId = await loginAndStepUp(env);
    const reg = await env.rp.startRegistration({ sessionId, userVerification: 'discouraged' });
    expect(reg.options.authenticatorSelection?.userVerification).toBe('required');
    const { client } = phone(env, { faults: { clearUv: true } });
    const response = await client.create(reg.options);
    expect(await codeOf(env.rp.finishRegistration({ sessionId, ceremonyId: reg.ceremonyId, response }))).toBe('USER_VERIFICATION_REQUIRED');
    env.store.close();
  });
});
