import { describe, expect, it } from 'vitest';
import { HarnessError } from '../../../core/errors.js';
import { ceremonyLabel } from '../../../core/rp/ceremony/ceremonyHandle.js';
import { codeOf, loginAndStepUp, phone, seedCustomer, setup, type Env } from './support.js';

/**
 * A challenge is consumed in the transaction that records the ceremony's outcome: with the stored
 * credential / moved counter on success, with the failure audit row on failure. Every attempt
 * consumes it (a failed one cannot be retried with the same challenge); nothing is consumed that
 * was not recorded, and nothing recorded without its challenge consumed.
 */
function fresh() {
  const env = setup();
  seedCustomer(env);
  return env;
}

/** When the ceremony was recorded as used (null: not yet). Audit rows name ceremonies by label. */
const usedAtLabel = (env: Env, label: string) => env.store.ceremonies.usedAt(label) ?? null;
const consumedAt = (env: Env, ceremonyId: string) => usedAtLabel(env, ceremonyLabel(ceremonyId));

async function registered(env: Env) {
  const sessionId = await loginAndStepUp(env);
  const p = phone(env);
  const { ceremonyId, options } = await env.rp.startRegistration({ sessionId });
  const { passkey } = await env.rp.finishRegistration({ sessionId, ceremonyId, response: await p.client.create(options) });
  return { sessionId, passkey, ...p };
}

describe('ceremony challenges: consumed with the outcome they record', () => {
  it('a failed login attempt consumes its challenge: the genuine assertion for it is then CHALLENGE_REPLAYED', async () => {
    const env = fresh();
    const { client, authenticator } = await registered(env);
    const s = await env.rp.startLogin({ loginId: 'yamada' });
    authenticator.faults = { corruptSignature: true } as never;
    const bad = await client.get(s.options);
    authenticator.faults = {};
    const good = await client.get(s.options);
    expect(await codeOf(env.rp.finishLogin({ ceremonyId: s.ceremonyId, response: bad }))).toBe('SIGNATURE_INVALID');
    expect(consumedAt(env, s.ceremonyId)).not.toBeNull();
    expect(await codeOf(env.rp.finishLogin({ ceremonyId: s.ceremonyId, response: good }))).toBe('CHALLENGE_REPLAYED');
    env.store.close();
  });

  it('a failed registration attempt consumes its challenge: a valid response for it is then CHALLENGE_REPLAYED', async () => {
    const env = fresh();
    const sessionId = await loginAndStepUp(env);
    const { client } = phone(env);
    const { ceremonyId, options } = await env.rp.startRegistration({ sessionId });
    const response = await client.create(options);
    expect(await codeOf(env.rp.finishRegistration({ sessionId, ceremonyId, response: { ...response, rawId: 'AAAA' } }))).toBe('RAW_ID_MISMATCH');
    expect(consumedAt(env, ceremonyId)).not.toBeNull();
    expect(await codeOf(env.rp.finishRegistration({ sessionId, ceremonyId, response }))).toBe('CHALLENGE_REPLAYED');
    expect(env.store.passkeys.byCredentialId(response.id)).toBeUndefined();
    env.store.close();
  });

  it('two concurrent finishLogin calls with one ceremony: exactly one session, the other CHALLENGE_REPLAYED, counter moved once', async () => {
    const env = fresh();
    const { client, passkey } = await registered(env);
    const s = await env.rp.startLogin({ loginId: 'yamada' });
    const response = await client.get(s.options);
    const results = await Promise.all([codeOf(env.rp.finishLogin({ ceremonyId: s.ceremonyId, response })), codeOf(env.rp.finishLogin({ ceremonyId: s.ceremonyId, response }))]);
    expect(results.sort()).toEqual(['CHALLENGE_REPLAYED', 'NO_ERROR']);
    const successes = env.store.audit.list({ limit: 1000 }).filter((e) => e.action === 'login.passkey' && e.outcome === 'success');
    expect(successes).toHaveLength(1);
    expect(env.store.passkeys.byId(passkey.passkeyId)!.counter).toBe(successes[0]!.details.counter);
    env.store.close();
  });

  it('a failure inside the success transaction rolls back the consumption with it, then the failure path consumes it', async () => {
    const env = fresh();
    const { client, passkey } = await registered(env);
    const s = await env.rp.startLogin({ loginId: 'yamada' });
    const response = await client.get(s.options);
    const before = env.store.passkeys.byId(passkey.passkeyId)!.counter;
    // The session insert fails after the challenge was consumed and the counter moved in the same transaction.
    const create = env.store.sessions.create;
    let seenConsumedInside: number | null = null;
    env.store.sessions.create = () => {
      seenConsumedInside = consumedAt(env, s.ceremonyId);
      throw new HarnessError('STORE_FAILED', 'disk full (simulated)');
    };
    expect(await codeOf(env.rp.finishLogin({ ceremonyId: s.ceremonyId, response }))).toBe('STORE_FAILED');
    env.store.sessions.create = create;
    expect(seenConsumedInside).not.toBeNull();
    expect(env.store.passkeys.byId(passkey.passkeyId)!.counter).toBe(before);
    const audit = env.store.audit.list({ limit: 1000 }).filter((e) => e.action === 'login.passkey');
    expect(audit.map((e) => [e.outcome, e.code])).toEqual([['failure', 'STORE_FAILED']]);
    // Consumed by the failure path: the same assertion cannot be replayed.
    expect(consumedAt(env, s.ceremonyId)).not.toBeNull();
    expect(await codeOf(env.rp.finishLogin({ ceremonyId: s.ceremonyId, response }))).toBe('CHALLENGE_REPLAYED');
    expect(env.store.audit.verify().ok).toBe(true);
    env.store.close();
  });

  it('a successful registration and login each leave their challenge consumed in the same commit as their audit row', async () => {
    const env = fresh();
    const sessionId = await loginAndStepUp(env);
    const { client } = phone(env);
    const reg = await env.rp.startRegistration({ sessionId });
    // Observe the store right after the success audit row is appended, still inside the transaction.
    const append = env.store.audit.append;
    const seen: Array<[string, number | null]> = [];
    env.store.audit.append = (e) => {
      const row = append(e);
      const handle = typeof e.details?.ceremonyId === 'string' ? e.details.ceremonyId : undefined;
      if (e.outcome === 'success' && handle && (e.action === 'registration.finish' || e.action === 'login.passkey')) seen.push([e.action, usedAtLabel(env, handle)]);
      return row;
    };
    await env.rp.finishRegistration({ sessionId, ceremonyId: reg.ceremonyId, response: await client.create(reg.options) });
    const s = await env.rp.startLogin({ loginId: 'yamada' });
    await env.rp.finishLogin({ ceremonyId: s.ceremonyId, response: await client.get(s.options) });
    env.store.audit.append = append;
    expect(seen.map(([action]) => action)).toEqual(['registration.finish', 'login.passkey']);
    for (const [, at] of seen) expect(at).not.toBeNull();
    env.store.close();
  });
});
