import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { hashToken } from '../../../core/rp/session/sessionToken.js';
import { openBetterSqlite } from '../../../core/store/driver.js';
import { migrate, openStore } from '../../../core/store/openStore.js';
import { MIGRATIONS } from '../../../core/store/migrations.js';
import { SESSION_BINDING_BYTES } from '../../../core/store/repositories/sessions.js';
import { toBase64url } from '../../../core/webauthn/base64url.js';
import { codeOf, lastCode, loginAndStepUp, phone, seedCustomer, setup, type Env } from './support.js';

/**
 * A registration ceremony is bound to the session that started it. SQLite hands the highest rowid
 * out again after a logout, and a ManualClock (or a fast customer) gives the new session the old
 * one's `created_at`: neither the row ID nor its age tells the two sessions apart, so the ceremony
 * carries the session's own binding value (sessions.ts) and the finish compares it.
 */
afterEach(() => vi.restoreAllMocks());
const dir = mkdtempSync(join(tmpdir(), 'pkh-binding-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fresh(): Env {
  const env = setup();
  seedCustomer(env);
  return env;
}

const rowOf = (env: Env, sessionId: string) => env.store.sessions.withAccount(hashToken(sessionId))!.session;
const usedCeremonies = (env: Env) => env.store.driver.prepare('SELECT COUNT(*) AS n FROM used_ceremonies').get<{ n: number }>()!.n;

describe('registration ceremonies are bound to their session, not to its row ID', () => {
  it('refuses a new session of the same account on the reused row ID in the same millisecond, and stores nothing', async () => {
    const env = fresh();
    const { client } = phone(env);
    const old = await loginAndStepUp(env);
    const reg = await env.rp.startRegistration({ sessionId: old });
    const response = await client.create(reg.options);
    const oldRow = rowOf(env, old);
    env.rp.logout({ sessionId: old });
    // No clock advance: same account, same row ID, same created_at as the session that started the ceremony.
    const again = env.rp.login({ loginId: 'yamada', password: 'login-pass' }).sessionId;
    const newRow = rowOf(env, again);
    expect(newRow.id).toBe(oldRow.id);
    expect(newRow.createdAt).toBe(oldRow.createdAt);
    // The same code a foreign session gets, with the handle and with "the latest of this session".
    expect(await codeOf(env.rp.finishRegistration({ sessionId: again, ceremonyId: reg.ceremonyId, response }))).toBe('CHALLENGE_NOT_FOUND');
    expect(await codeOf(env.rp.finishRegistration({ sessionId: again, response }))).toBe('CHALLENGE_NOT_FOUND');
    expect(env.store.passkeys.byCredentialId(response.id)).toBeUndefined();
    expect(env.store.passkeys.countAll(newRow.accountId)).toBe(0);
    expect(usedCeremonies(env)).toBe(0);
    env.store.close();
  });

  it('ends the registration when the session is replaced on the same row ID in the same millisecond while the attestation is checked', async () => {
    const env = fresh();
    const { client } = phone(env);
    const old = await loginAndStepUp(env);
    const reg = await env.rp.startRegistration({ sessionId: old });
    const response = await client.create(reg.options);
    const oldRow = rowOf(env, old);
    let again: string | undefined;
    // countAll runs after the awaited checks and before the success transaction (the default name).
    const countAll = env.store.passkeys.countAll.bind(env.store.passkeys);
    vi.spyOn(env.store.passkeys, 'countAll').mockImplementation((accountId) => {
      env.rp.logout({ sessionId: old });
      again = env.rp.login({ loginId: 'yamada', password: 'login-pass' }).sessionId;
      return countAll(accountId);
    });
    expect(await codeOf(env.rp.finishRegistration({ sessionId: old, ceremonyId: reg.ceremonyId, response }))).toBe('AUTH_REQUIRED');
    expect(rowOf(env, again!).id).toBe(oldRow.id);
    expect(env.store.passkeys.byCredentialId(response.id)).toBeUndefined();
    env.store.close();
  });

  it('keeps the ceremony when the session ID rotates at a later step-up (same session, new token)', async () => {
    const env = fresh();
    const { client } = phone(env);
    const first = await loginAndStepUp(env);
    const reg = await env.rp.startRegistration({ sessionId: first });
    const response = await client.create(reg.options);
    // A second step-up (another purpose) rotates the session ID; the session and its ceremony stay.
    const { emails } = env.rp.listEmails({ sessionId: first });
    await env.rp.sendStepUpEmail({ sessionId: first, emailId: emails[0]!.emailId, purpose: 'otp-enrollment' });
    const rotated = env.rp.verifyStepUp({ sessionId: first, code: lastCode(env, emails[0]!.address), purpose: 'otp-enrollment' }).sessionId;
    expect(rotated).not.toBe(first);
    expect(await codeOf(env.rp.finishRegistration({ sessionId: rotated, ceremonyId: reg.ceremonyId, response }))).toBe('NO_ERROR');
    env.store.close();
  });

  it('step-up codes do not pass to a new session on the reused row ID (they go with the old row)', async () => {
    const env = fresh();
    const old = env.rp.login({ loginId: 'yamada', password: 'login-pass' }).sessionId;
    const { emails } = env.rp.listEmails({ sessionId: old });
    await env.rp.sendStepUpEmail({ sessionId: old, emailId: emails[1]!.emailId });
    const code = lastCode(env, emails[1]!.address);
    const oldRow = rowOf(env, old);
    env.rp.logout({ sessionId: old });
    const again = env.rp.login({ loginId: 'yamada', password: 'login-pass' }).sessionId;
    expect(rowOf(env, again).id).toBe(oldRow.id);
    expect(await codeOf(() => env.rp.verifyStepUp({ sessionId: again, code }))).toBe('OTP_INVALID');
    expect(rowOf(env, again).stepUpAt).toBeNull();
    env.store.close();
  });
});

describe("a handle that is not the caller's says nothing about itself", () => {
  it('is CHALLENGE_NOT_FOUND for another session whether the ceremony is open, used or expired (the owner sees REPLAYED / EXPIRED)', async () => {
    const env = fresh();
    seedCustomer(env, 'tanaka');
    const { client } = phone(env);
    const owner = await loginAndStepUp(env);
    const other = await loginAndStepUp(env, 'tanaka');
    const used = await env.rp.startRegistration({ sessionId: owner });
    const response = await client.create(used.options);
    expect(await codeOf(env.rp.finishRegistration({ sessionId: other, ceremonyId: used.ceremonyId, response }))).toBe('CHALLENGE_NOT_FOUND');
    expect(await codeOf(env.rp.finishRegistration({ sessionId: owner, ceremonyId: used.ceremonyId, response }))).toBe('NO_ERROR');
    expect(await codeOf(env.rp.finishRegistration({ sessionId: other, ceremonyId: used.ceremonyId, response }))).toBe('CHALLENGE_NOT_FOUND');
    expect(await codeOf(env.rp.finishRegistration({ sessionId: owner, ceremonyId: used.ceremonyId, response }))).toBe('CHALLENGE_REPLAYED');

    const late = await env.rp.startRegistration({ sessionId: owner });
    const lateResponse = await phone(env, { profile: 'android-gpm' }).client.create(late.options);
    env.clock.advance(env.rp.policy.challengeTtlMs + 1);
    expect(await codeOf(env.rp.finishRegistration({ sessionId: other, ceremonyId: late.ceremonyId, response: lateResponse }))).toBe('CHALLENGE_NOT_FOUND');
    expect(await codeOf(env.rp.finishRegistration({ sessionId: owner, ceremonyId: late.ceremonyId, response: lateResponse }))).toBe('CHALLENGE_EXPIRED');
    env.store.close();
  });
});

describe('the session binding', () => {
  it('is fixed at creation: a rotated token keeps it, and a new session on the reused row ID gets another', () => {
    const env = fresh();
    const accountId = env.store.accounts.byLoginId('yamada')!.id;
    const id = env.store.sessions.create({ tokenHash: hashToken('first-token'), accountId, now: 1 });
    const binding = env.store.sessions.byId(id)!.binding;
    expect(binding.length).toBe(SESSION_BINDING_BYTES);
    env.store.sessions.rotate(id, hashToken('rotated-token'));
    expect(toBase64url(env.store.sessions.withAccount(hashToken('rotated-token'))!.session.binding)).toBe(toBase64url(binding));
    env.store.sessions.delete(id);
    const reused = env.store.sessions.create({ tokenHash: hashToken('next-token'), accountId, now: 1 });
    expect(reused).toBe(id);
    expect(toBase64url(env.store.sessions.byId(reused)!.binding)).not.toBe(toBase64url(binding));
    env.store.close();
  });

  it('is given to the sessions of a database from before it, a different one each', () => {
    const path = join(dir, 'v4.sqlite');
    const old = openBetterSqlite(path);
    migrate(old, MIGRATIONS.filter((m) => m.version <= 4));
    old.exec(`INSERT INTO accounts (id, login_id, user_handle, password_hash, trading_password_hash, display_name, created_at) VALUES (1, 'yamada', x'01', 'x', 'y', 'Y', 0);
      INSERT INTO sessions (id, token_hash, account_id, created_at, last_seen_at) VALUES (1, 'a', 1, 0, 0), (2, 'b', 1, 0, 0);`);
    old.close();
    const store = openStore({ path });
    const bindings = [1, 2].map((id) => store.sessions.byId(id)!.binding);
    expect(bindings.map((b) => b.length)).toEqual([SESSION_BINDING_BYTES, SESSION_BINDING_BYTES]);
    expect(toBase64url(bindings[0]!)).not.toBe(toBase64url(bindings[1]!));
    store.close();
  });
});
