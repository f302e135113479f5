import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../core/rp/index.js';
import { openStore } from '../../core/store/index.js';

/**
 * Issue 6, concurrency: verifyStepUp reads a code's tries and later counts a wrong guess. Two server
 * processes on one database can both read tries = max - 1; the count must still stop at the limit, and
 * a right guess must not use a code the other process has just locked. Two connections to one file
 * interleave exactly as two processes would between the read and the write.
 */
const dir = mkdtempSync(join(tmpdir(), 'pkh-otp-race-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function seedCode(path: string) {
  const store = openStore({ path });
  const accountId = store.accounts.insert({ loginId: 'race', userHandle: new Uint8Array(16), passwordHash: 'x', tradingPasswordHash: 'x', displayName: 'r', createdAt: 0 });
  const emailId = store.emails.add(accountId, 'race@example.test');
  const sessionId = store.sessions.create({ tokenHash: 'h', accountId, now: 0 });
  const codeId = store.stepUp.insert({ sessionId, accountId, emailId, purpose: 'passkey-registration', salt: new Uint8Array(16), codeHash: new Uint8Array(32), createdAt: 0, expiresAt: 1e15 });
  return { store, codeId };
}

describe('wrong step-up guesses from two processes', () => {
  it('tries never exceed maxCodeTries when both sides count a guess after reading tries = max - 1', () => {
    const path = join(dir, 'tries.sqlite');
    const { store: a, codeId } = seedCode(path);
    const b = openStore({ path });
    const max = DEFAULT_POLICY.maxCodeTries;
    for (let i = 0; i < max - 1; i++) a.stepUp.addTry(codeId, max);
    // Both "processes" saw tries = max - 1 and both count their wrong guess.
    expect(a.stepUp.addTry(codeId, max)).toBe(max);
    expect(b.stepUp.addTry(codeId, max)).toBe(max);
    expect(b.stepUp.latest(1, 'passkey-registration')?.tries).toBe(max);
    a.close();
    b.close();
  });

  it('a right guess racing the locking wrong guess cannot use the locked code', () => {
    const path = join(dir, 'lock.sqlite');
    const { store: a, codeId } = seedCode(path);
    const b = openStore({ path });
    const max = DEFAULT_POLICY.maxCodeTries;
    for (let i = 0; i < max; i++) a.stepUp.addTry(codeId, max);
    expect(b.stepUp.markUsed(codeId, 1, max)).toBe(false);
    a.close();
    b.close();
  });
});

describe('one TOTP code from two processes', () => {
  it('a time step is accepted once: both sides read an older last step, only the first compare-and-swap wins', () => {
    const path = join(dir, 'totp.sqlite');
    const a = openStore({ path });
    const accountId = a.accounts.insert({ loginId: 'totp', userHandle: new Uint8Array(16), passwordHash: 'x', tradingPasswordHash: 'x', displayName: 't', createdAt: 0 });
    a.otp.setPending(accountId, 'JBSWY3DPEHPK3PXP', 0);
    a.otp.activate(accountId);
    const b = openStore({ path });
    const step = 59_000_000;
    // Both "processes" read a last used step below this one, then both try to use it.
    expect(a.otp.get(accountId)!.lastUsedStep).toBeLessThan(step);
    expect(b.otp.get(accountId)!.lastUsedStep).toBeLessThan(step);
    expect(a.otp.useStep(accountId, step)).toBe(true);
    expect(b.otp.useStep(accountId, step)).toBe(false);
    // An older step after it is refused too; the next one is accepted.
    expect(b.otp.useStep(accountId, step - 1)).toBe(false);
    expect(b.otp.useStep(accountId, step + 1)).toBe(true);
    expect(a.otp.get(accountId)!.lastUsedStep).toBe(step + 1);
    a.close();
    b.close();
  });
});
