import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { ceremonyLabel, sealCeremony } from '../../../core/rp/ceremony/ceremonyHandle.js';
import type { RpContext } from '../../../core/rp/context.js';
import { hashToken } from '../../../core/rp/session/sessionToken.js';
import { DEFER_MS } from '../../../core/store/repositories/audit.js';
import { openStore } from '../../../core/store/openStore.js';
import { fromBase64url, toBase64url } from '../../../core/webauthn/base64url.js';
import { codeOf, loginAndStepUp, phone, seedCustomer, setup } from './support.js';

/**
 * Issue 15: a started ceremony is sealed into its handle (AES-256-GCM under the database's secret)
 * instead of stored; its start is audited with the next write. What a hostile client can do with a
 * handle, and what the RP still guarantees.
 */
const dir = mkdtempSync(join(tmpdir(), 'pkh-sealed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.useRealTimers());

function fresh(path?: string) {
  const env = setup(path ? { path } : {});
  seedCustomer(env);
  return env;
}

/** The same bytes with one bit flipped at `index`. */
function flipBit(handle: string, index: number): string {
  const bytes = fromBase64url(handle);
  bytes[index]! ^= 0x01;
  return toBase64url(bytes);
}

describe('sealed ceremony handles', () => {
  it('an altered, truncated, extended or foreign handle is CHALLENGE_NOT_FOUND and leaves nothing recorded', async () => {
    const env = fresh();
    const other = fresh();
    const { client } = phone(env);
    const sessionId = await loginAndStepUp(env);
    const reg = await env.rp.startRegistration({ sessionId });
    const response = await client.create(reg.options);
    const length = fromBase64url(reg.ceremonyId).length;
    const foreign = (await other.rp.startLogin({ loginId: 'yamada' })).ceremonyId;
    for (const bad of [flipBit(reg.ceremonyId, 0), flipBit(reg.ceremonyId, 20), flipBit(reg.ceremonyId, length - 1), reg.ceremonyId.slice(0, -4), `${reg.ceremonyId}AAAA`, '', 'A'.repeat(2000)]) {
      expect(await codeOf(env.rp.finishRegistration({ sessionId, ceremonyId: bad, response })), bad.slice(0, 40)).toBe('CHALLENGE_NOT_FOUND');
    }
    // Sealed by another database's RP (another secret): not ours.
    expect(await codeOf(env.rp.finishLogin({ ceremonyId: foreign, response: {} as never }))).toBe('CHALLENGE_NOT_FOUND');
    expect(env.store.driver.prepare('SELECT COUNT(*) AS n FROM used_ceremonies').get<{ n: number }>()!.n).toBe(0);
    // The genuine handle still works: nothing above used it up.
    expect(await codeOf(env.rp.finishRegistration({ sessionId, ceremonyId: reg.ceremonyId, response }))).toBe('NO_ERROR');
    env.store.close();
    other.store.close();
  });

  it('a handle is single-use under one spelling only: a re-encoding of its bytes is refused, not treated as new', async () => {
    const env = fresh();
    // An 8-character login ID seals to a byte length that leaves spare bits in the last character.
    seedCustomer(env, 'suzuki01');
    const { client } = phone(env);
    const sessionId = await loginAndStepUp(env, 'suzuki01');
    const reg = await env.rp.startRegistration({ sessionId });
    await env.rp.finishRegistration({ sessionId, ceremonyId: reg.ceremonyId, response: await client.create(reg.options) });
    const s = await env.rp.startLogin({ loginId: 'suzuki01' });
    const response = await client.get(s.options);
    expect(await codeOf(env.rp.finishLogin({ ceremonyId: s.ceremonyId, response }))).toBe('NO_ERROR');
    // The same bytes spelled otherwise: spare bits set in the last character, standard base64, padding.
    const bytes = Buffer.from(fromBase64url(s.ceremonyId));
    expect(bytes.length % 3).not.toBe(0);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const spareBits = `${s.ceremonyId.slice(0, -1)}${alphabet[alphabet.indexOf(s.ceremonyId.at(-1)!) ^ 1]}`;
    for (const respelled of [spareBits, bytes.toString('base64'), `${s.ceremonyId}=`, `${s.ceremonyId}==`]) {
      if (respelled === s.ceremonyId) continue;
      expect(await codeOf(env.rp.finishLogin({ ceremonyId: respelled, response })), respelled).toBe('CHALLENGE_NOT_FOUND');
    }
    expect(await codeOf(env.rp.finishLogin({ ceremonyId: s.ceremonyId, response }))).toBe('CHALLENGE_REPLAYED');
    env.store.close();
  });

  it('a registration handle does not open a login, nor one of another session', async () => {
    const env = fresh();
    seedCustomer(env, 'tanaka');
    const { client } = phone(env);
    const yamada = await loginAndStepUp(env);
    const tanaka = await loginAndStepUp(env, 'tanaka');
    const reg = await env.rp.startRegistration({ sessionId: yamada });
    const response = await client.create(reg.options);
    expect(await codeOf(env.rp.finishLogin({ ceremonyId: reg.ceremonyId, response: response as never }))).toBe('CHALLENGE_NOT_FOUND');
    expect(await codeOf(env.rp.finishRegistration({ sessionId: tanaka, ceremonyId: reg.ceremonyId, response }))).toBe('CHALLENGE_NOT_FOUND');
    expect(await codeOf(env.rp.finishRegistration({ sessionId: yamada, ceremonyId: reg.ceremonyId, response }))).toBe('NO_ERROR');
    env.store.close();
  });

  it('a session row ID reused after logout does not inherit the old session\'s registration ceremony', async () => {
    const env = fresh();
    seedCustomer(env, 'tanaka');
    const { client } = phone(env);
    const yamada = await loginAndStepUp(env);
    const reg = await env.rp.startRegistration({ sessionId: yamada });
    const response = await client.create(reg.options);
    const oldRow = env.store.sessions.withAccount(hashToken(yamada))!.session.id;
    env.rp.logout({ sessionId: yamada });
    env.clock.advance(1000);
    // SQLite hands the highest rowid out again: another customer's session, then the same customer's.
    const tanaka = env.rp.login({ loginId: 'tanaka', password: 'login-pass' }).sessionId;
    expect(env.store.sessions.withAccount(hashToken(tanaka))!.session.id).toBe(oldRow);
    expect(await codeOf(env.rp.finishRegistration({ sessionId: tanaka, ceremonyId: reg.ceremonyId, response }))).toBe('CHALLENGE_NOT_FOUND');
    env.rp.logout({ sessionId: tanaka });
    const again = env.rp.login({ loginId: 'yamada', password: 'login-pass' }).sessionId;
    expect(env.store.sessions.withAccount(hashToken(again))!.session.id).toBe(oldRow);
    expect(await codeOf(env.rp.finishRegistration({ sessionId: again, ceremonyId: reg.ceremonyId, response }))).toBe('CHALLENGE_NOT_FOUND');
    expect(env.store.passkeys.byCredentialId(response.id)).toBeUndefined();
    env.store.close();
  });

  it('never puts two different ceremonies under one IV, even when the randomness repeats (a replayed seed)', () => {
    const stuck = { bytes: (n: number) => new Uint8Array(n), int: () => 0 } as unknown as RpContext['secrets'];
    const ctx = { secret: new Uint8Array(32).fill(7), secrets: stuck } as unknown as RpContext;
    const base = { purpose: 'authentication' as const, sessionId: null, accountId: 1, loginId: 'yamada', epoch: 0, userVerification: 'preferred', algorithms: [-7], createdAt: 1, expiresAt: 2 };
    const a = fromBase64url(sealCeremony(ctx, { ...base, challenge: 'one' }));
    const b = fromBase64url(sealCeremony(ctx, { ...base, challenge: 'two' }));
    const again = fromBase64url(sealCeremony(ctx, { ...base, challenge: 'one' }));
    expect(toBase64url(a.subarray(0, 12))).not.toBe(toBase64url(b.subarray(0, 12)));
    expect(toBase64url(again)).toBe(toBase64url(a));
  });

  it('says nothing about the account: handles for a known and an unknown login ID of one length are the same size and differ every time', async () => {
    const env = fresh();
    seedCustomer(env, 'nobody');
    const known = await env.rp.startLogin({ loginId: 'yamada' });
    const unknown = await env.rp.startLogin({ loginId: 'absent' });
    const again = await env.rp.startLogin({ loginId: 'yamada' });
    expect(known.ceremonyId.length).toBe(unknown.ceremonyId.length);
    expect(again.ceremonyId).not.toBe(known.ceremonyId);
    // Neither the login ID nor an account number is readable in it.
    for (const handle of [known.ceremonyId, unknown.ceremonyId]) expect(Buffer.from(fromBase64url(handle)).toString('latin1')).not.toMatch(/yamada|absent/);
    env.store.close();
  });

  it('two RPs on one database file: a ceremony started on one finishes on the other, and a replay to either is CHALLENGE_REPLAYED', async () => {
    const path = join(dir, 'two.sqlite');
    const a = fresh(path);
    const b = setup({ path });
    const { client } = phone(a);
    const sessionId = await loginAndStepUp(a);
    const reg = await a.rp.startRegistration({ sessionId });
    const response = await client.create(reg.options);
    expect(await codeOf(b.rp.finishRegistration({ sessionId, ceremonyId: reg.ceremonyId, response }))).toBe('NO_ERROR');
    expect(await codeOf(a.rp.finishRegistration({ sessionId, ceremonyId: reg.ceremonyId, response }))).toBe('CHALLENGE_REPLAYED');
    const s = await b.rp.startLogin({ loginId: 'yamada' });
    const assertion = await client.get(s.options);
    expect(await codeOf(a.rp.finishLogin({ ceremonyId: s.ceremonyId, response: assertion }))).toBe('NO_ERROR');
    expect(await codeOf(b.rp.finishLogin({ ceremonyId: s.ceremonyId, response: assertion }))).toBe('CHALLENGE_REPLAYED');
    a.store.close();
    b.store.close();
  });

  it('an operator ending sessions ends the open ceremonies of the account started before, not the ones after', async () => {
    const env = fresh();
    env.rp.admin.createAdmin({ name: 'suzuki', role: 'operator' });
    const { client } = phone(env);
    const sessionId = await loginAndStepUp(env);
    const reg = await env.rp.startRegistration({ sessionId });
    await env.rp.finishRegistration({ sessionId, ceremonyId: reg.ceremonyId, response: await client.create(reg.options) });
    const before = await env.rp.startLogin({ loginId: 'yamada' });
    const accountId = env.store.accounts.byLoginId('yamada')!.id;
    env.rp.admin.endSessions({ admin: 'suzuki', accountId, reason: 'phone stolen', ticket: 'T-9' });
    // Same clock reading as the operator's action: only the epoch decides.
    const after = await env.rp.startLogin({ loginId: 'yamada' });
    expect(await codeOf(env.rp.finishLogin({ ceremonyId: before.ceremonyId, response: await client.get(before.options) }))).toBe('CHALLENGE_REPLAYED');
    expect(await codeOf(env.rp.finishLogin({ ceremonyId: after.ceremonyId, response: await client.get(after.options) }))).toBe('NO_ERROR');
    const row = env.store.audit.list({ limit: 1000 }).find((e) => e.action === 'admin.endSessions')!;
    expect(row.details).toMatchObject({ openCeremoniesEnded: true });
    env.store.close();
  });
});

describe('ceremony starts in the audit log', () => {
  it('are written before the row of the write that follows, keep their time, and name the ceremony by label', async () => {
    const env = fresh();
    const sessionId = await loginAndStepUp(env);
    const t = env.clock.now();
    const reg = await env.rp.startRegistration({ sessionId });
    env.clock.advance(1234);
    const { client } = phone(env);
    await env.rp.finishRegistration({ sessionId, ceremonyId: reg.ceremonyId, response: await client.create(reg.options) });
    const rows = env.store.audit.list({ limit: 1000 });
    const start = rows.findIndex((e) => e.action === 'registration.start');
    expect(rows[start]).toMatchObject({ at: t, outcome: 'success', details: { ceremonyId: ceremonyLabel(reg.ceremonyId) } });
    expect(rows[start + 1]).toMatchObject({ action: 'registration.finish', at: t + 1234, details: { ceremonyId: ceremonyLabel(reg.ceremonyId) } });
    expect(env.store.audit.verify().ok).toBe(true);
    env.store.close();
  });

  it('reach the file within DEFER_MS when nothing else is written, and at close', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const path = join(dir, 'deferred.sqlite');
    const env = fresh(path);
    const reader = openStore({ path });
    const startsOnFile = () => reader.driver.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'login.start'").get<{ n: number }>()!.n;
    await env.rp.startLogin({ loginId: 'yamada' });
    expect(startsOnFile()).toBe(0);
    vi.advanceTimersByTime(DEFER_MS);
    expect(startsOnFile()).toBe(1);
    await env.rp.startLogin({ loginId: 'yamada' });
    env.store.close();
    expect(startsOnFile()).toBe(2);
    expect(reader.audit.verify().ok).toBe(true);
    reader.close();
  });

  it('are seen by every audit read of the store at once: list, search, countSince and verify', async () => {
    const env = fresh();
    const accountId = env.store.accounts.byLoginId('yamada')!.id;
    const before = env.store.audit.verify().count;
    await env.rp.startLogin({ loginId: 'yamada' });
    expect(env.store.audit.search({ action: 'login.start' }).total).toBe(1);
    await env.rp.startLogin({ loginId: 'yamada' });
    expect(env.store.audit.countSince({ accountId, action: 'login.start', outcome: 'success', since: 0 })).toBe(2);
    await env.rp.startLogin({ loginId: 'yamada' });
    expect(env.store.audit.verify()).toMatchObject({ ok: true, count: before + 3 });
    await env.rp.startLogin({ loginId: 'yamada' });
    expect(env.store.audit.list({ limit: 1000 }).filter((e) => e.action === 'login.start')).toHaveLength(4);
    env.store.close();
  });

  it('survive a rollback of the write they joined, and are written once', async () => {
    const env = fresh();
    await env.rp.startLogin({ loginId: 'yamada' });
    expect(() =>
      env.store.transaction(() => {
        env.store.audit.append({ at: env.clock.now(), actor: 'test', action: 'test.rolled-back', outcome: 'success' });
        throw new Error('roll back');
      }),
    ).toThrow('roll back');
    const actions = env.store.audit.list({ limit: 1000 }).map((e) => e.action);
    expect(actions.filter((a) => a === 'login.start')).toHaveLength(1);
    expect(actions).not.toContain('test.rolled-back');
    env.store.audit.append({ at: env.clock.now(), actor: 'test', action: 'test.after', outcome: 'success' });
    expect(env.store.audit.list({ limit: 1000 }).filter((e) => e.action === 'login.start')).toHaveLength(1);
    expect(env.store.audit.verify().ok).toBe(true);
    env.store.close();
  });
});
