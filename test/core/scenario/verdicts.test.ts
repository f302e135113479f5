import { describe, expect, it } from 'vitest';
import { runScenarios } from '../../../core/scenario/runScenarios.js';
import { loadScenarios, partitionScenarios, validateScenarios } from '../../../core/scenario/validateScenarios.js';
import { formatHuman, formatJunit, formatTap } from '../../../core/scenario/reporters/index.js';
import type { ScenarioResult } from '../../../core/scenario/report.js';

/**
 * CI trusts these verdicts: every kind of `expect:` must fail when the world differs from it, not only
 * pass when it matches. Each case runs the right expectation (passes) beside a wrong one (fails at that step).
 */

/** alice (two addresses) enrolled a packed-attestation passkey on phone p; her session is open. */
const enrolled = `
  - { do: createUser, user: alice, emails: [alice@example.test, alice.work@example.test] }
  - { do: createPhone, phone: p, profile: yubikey-5 }
  - { do: enroll, user: alice, phone: p, attestation: direct }
`;

async function run(steps: string): Promise<ScenarioResult> {
  const [result] = (await runScenarios({ scenarios: loadScenarios([{ name: 'v.yaml', text: `name: verdict\nsteps:${steps}` }]), seed: 'verdicts', mode: 'inline' })).results;
  return result!;
}

async function passes(steps: string): Promise<void> {
  const result = await run(steps);
  expect(result.failure, steps).toBeUndefined();
  expect(result.status, steps).toBe('passed');
}

/** The last step is the one under test: it must be the failing one, with EXPECTATION_FAILED and `message`. */
async function failsLast(steps: string, message: string | RegExp): Promise<void> {
  const result = await run(steps);
  expect(result.status, steps).toBe('failed');
  expect(result.failure, steps).toMatchObject({ index: result.steps.length, code: 'EXPECTATION_FAILED' });
  expect(result.failure!.message, steps).toMatch(message);
}

describe('scenario verdicts: an expectation fails when the world differs from it', () => {
  it('error: a different code fails the step; the same code passes; outcome: error takes any code but not success', async () => {
    await passes(`\n  - { do: loginWithPasskey, phone: missing, expect: { error: PHONE_NOT_FOUND } }`);
    await failsLast(`\n  - { do: loginWithPasskey, phone: missing, expect: { error: OTP_INVALID } }`, /^expected error OTP_INVALID, got PHONE_NOT_FOUND: /);
    await passes(`\n  - { do: loginWithPasskey, phone: missing, expect: { outcome: error } }`);
    await failsLast(`\n  - { do: createPhone, phone: p, expect: { outcome: error } }`, 'expected an error, but the step succeeded');
  });

  it('outcome: ok beside error: CODE is refused when the file is read (it passed a step that succeeded, never checking the code)', () => {
    const text = 'name: c\nsteps:\n  - do: createPhone\n    phone: p\n    expect: { outcome: ok, error: PHONE_EXISTS }\n';
    const [validation] = validateScenarios([{ name: 'c.yaml', text }]);
    expect(validation).toMatchObject({ ok: false, errors: [{ path: 'step 1 › expect.outcome', line: 5, message: expect.stringContaining('outcome: ok contradicts error') }] });
    expect(() => loadScenarios([{ name: 'c.yaml', text }])).toThrow(expect.objectContaining({ code: 'SCENARIO_INVALID' }));
    expect(validateScenarios([{ name: 'e.yaml', text: text.replace('outcome: ok', 'outcome: error') }])[0]!.ok).toBe(true);
  });

  it('enterCode mailbox before any readCode is NOT_FOUND (it does not pass by sending no code)', async () => {
    await passes(`\n  - { do: createUser, user: carol }\n  - { do: login, user: carol }\n  - { do: startRegistration }\n  - { do: sendEmailCode }\n  - { do: enterCode, code: mailbox, expect: { error: NOT_FOUND } }`);
  });

  it('passkeys: counts active passkeys by default, all with active: false, of the named user, else of the last user named', async () => {
    const revoked = `${enrolled}  - { do: adminRevoke, user: alice }\n  - { do: createUser, user: bob }\n`;
    await passes(`${revoked}  - { do: check, expect: { passkeys: { count: 0, active: false } } }\n  - { do: check, expect: { passkeys: { user: alice, count: 0 } } }\n  - { do: check, expect: { passkeys: { user: alice, count: 1, active: false } } }`);
    await failsLast(`${revoked}  - { do: check, expect: { passkeys: { user: alice, count: 1 } } }`, 'expected 1 active passkey(s) for alice, found 0');
    await failsLast(`${revoked}  - { do: check, expect: { passkeys: { user: alice, count: 0, active: false } } }`, 'expected 0 passkey(s) for alice, found 1');
    await failsLast(`${revoked}  - { do: check, expect: { passkeys: { count: 1, active: false } } }`, 'expected 1 passkey(s) for bob, found 0');
  });

  it('registrationInfo: a wrong status and a row that does not exist both fail', async () => {
    await passes(`${enrolled}  - { do: check, expect: { registrationInfo: { passkey: registered, otpService: unregistered } } }`);
    await failsLast(`${enrolled}  - { do: check, expect: { registrationInfo: { passkey: unregistered } } }`, 'registration info passkey: expected unregistered, got registered');
    await failsLast(`${enrolled}  - { do: check, expect: { registrationInfo: { passkee: registered } } }`, /^registration info has no row passkee/);
  });

  it('audit: action, outcome, code and details must all match the same entry', async () => {
    const refused = `${enrolled}  - { do: injectFault, phone: p, fault: corruptSignature }\n  - { do: loginWithPasskey, user: alice, phone: p, expect: { error: SIGNATURE_INVALID } }\n`;
    await passes(`${refused}  - { do: check, expect: { audit: [{ action: login.passkey, outcome: failure, code: SIGNATURE_INVALID }, { action: registration.finish, outcome: success, details: { fmt: packed } }] } }`);
    await failsLast(`${refused}  - { do: check, expect: { audit: [{ action: login.nothing }] } }`, /^expected an audit entry login\.nothing; actions seen: .*login\.passkey/);
    await failsLast(`${refused}  - { do: check, expect: { audit: [{ action: login.passkey, outcome: success }] } }`, 'expected an audit entry login.passkey/success');
    await failsLast(`${refused}  - { do: check, expect: { audit: [{ action: login.passkey, code: COUNTER_REGRESSION }] } }`, 'expected an audit entry login.passkey/COUNTER_REGRESSION');
    await failsLast(`${refused}  - { do: check, expect: { audit: [{ action: registration.finish, details: { fmt: none } }] } }`, 'expected an audit entry registration.finish {"fmt":"none"}');
  });

  it('audit count: exact, and count: 0 means none (not "any number")', async () => {
    await passes(`${enrolled}  - { do: check, expect: { audit: [{ action: registration.finish, count: 1 }, { action: login.passkey, count: 0 }] } }`);
    await failsLast(`${enrolled}  - { do: check, expect: { audit: [{ action: registration.finish, count: 2 }] } }`, 'expected 2 audit entries registration.finish, found 1');
    await failsLast(`${enrolled}  - { do: check, expect: { audit: [{ action: registration.finish, count: 0 }] } }`, 'expected 0 audit entries registration.finish, found 1');
  });

  it('mailbox: to filters, count is exact, subject/text are those of the newest message; an empty mailbox contains nothing', async () => {
    // Mail to alice@example.test: the 認証コード (oldest), then the registration notice (newest).
    await passes(`${enrolled}  - { do: check, expect: { mailbox: { to: alice@example.test, count: 2, subjectContains: 登録完了, textContains: パスキー「p」が登録されました } } }`);
    await failsLast(`${enrolled}  - { do: check, expect: { mailbox: { to: alice@example.test, count: 3 } } }`, 'expected 3 message(s) to alice@example.test, found 2');
    await failsLast(`${enrolled}  - { do: check, expect: { mailbox: { to: nobody@example.test, count: 2 } } }`, 'expected 2 message(s) to nobody@example.test, found 0');
    await failsLast(`${enrolled}  - { do: check, expect: { mailbox: { to: alice@example.test, subjectContains: 認証コード } } }`, 'newest message subject does not contain "認証コード"');
    await failsLast(`${enrolled}  - { do: check, expect: { mailbox: { to: alice@example.test, textContains: "認証コード:" } } }`, 'newest message text does not contain "認証コード:"');
    await failsLast(`\n  - { do: createUser, user: carol }\n  - { do: check, expect: { mailbox: { subjectContains: "" } } }`, 'newest message subject does not contain ""');
    await failsLast(`\n  - { do: createUser, user: carol }\n  - { do: check, expect: { mailbox: { textContains: "" } } }`, 'newest message text does not contain ""');
  });

  it('phoneCredentials: a different count fails', async () => {
    await passes(`${enrolled}  - { do: check, expect: { phoneCredentials: { phone: p, count: 1 } } }`);
    await failsLast(`${enrolled}  - { do: check, expect: { phoneCredentials: { phone: p, count: 0 } } }`, 'expected 0 credential(s) on p, found 1');
  });
});

describe('scenario verdicts: steps do what they say', () => {
  it('adminRevoke revokes the passkey it names (first, last, by index counted from 0)', async () => {
    const two = `${enrolled}  - { do: createPhone, phone: q }\n  - { do: enroll, user: alice, phone: q }\n`;
    for (const [which, revokedPhone, keptPhone] of [['first', 'p', 'q'], ['last', 'q', 'p'], ['0', 'p', 'q'], ['1', 'q', 'p']] as const) {
      await passes(
        `${two}  - { do: adminRevoke, user: alice, passkey: ${which} }\n  - { do: loginWithPasskey, phone: ${revokedPhone}, mode: discoverable, expect: { error: PASSKEY_REVOKED } }\n  - { do: loginWithPasskey, user: alice, phone: ${keptPhone} }`,
      );
    }
  });

  it('adminRevoke of a passkey the user does not have, and setMdsStatus of an unknown profile, are errors with their codes', async () => {
    await passes(`${enrolled}  - { do: adminRevoke, user: alice, passkey: 5, expect: { error: PASSKEY_NOT_FOUND } }\n  - { do: setMdsStatus, profile: no-such-model, status: REVOKED, expect: { error: PROFILE_UNKNOWN } }`);
  });

  it('loginWithPasskey with a user is username-first: another customer’s passkey on the phone does not sign bob in', async () => {
    await passes(`${enrolled}  - { do: createUser, user: bob }\n  - { do: loginWithPasskey, user: bob, phone: p, expect: { error: NOT_ALLOWED } }`);
  });
});

describe('scenario verdicts: reports count what failed and what did not run', () => {
  it('a failing run and an invalid file: JUnit, TAP and the summary count both', async () => {
    const failing = 'name: failing\nsteps:\n  - { do: createPhone, phone: p }\n  - { do: createPhone, phone: q, expect: { error: PHONE_EXISTS } }\n  - { do: check }\n';
    const { valid, invalid } = partitionScenarios([
      { name: 'a.yaml', text: failing },
      { name: 'b.yaml', text: 'name: ok\nsteps:\n  - { do: check }\n' },
      { name: 'c.yaml', text: 'name: x\nsteps:\n  - do: teleport\n' },
    ]);
    const report = { ...(await runScenarios({ scenarios: valid, seed: 'r', mode: 'inline' })), invalid: invalid.map((v) => ({ file: v.name, errors: v.errors })) };
    expect(report).toMatchObject({ total: 2, passed: 1, failed: 1 });
    expect(formatJunit(report)).toMatch(/^<testsuites name="passkey-harness" tests="5" failures="1" errors="1" skipped="1" /m);
    expect(formatJunit(report, { cases: 'scenario' })).toMatch(/^<testsuites name="passkey-harness" tests="3" failures="1" errors="1" skipped="0" /m);
    const tap = formatTap(report);
    expect(tap).toMatch(/^TAP version 14\n1\.\.3\nnot ok 1 - failing\n/);
    expect(tap).toContain('\nok 2 - ok\nnot ok 3 - c.yaml (invalid, not run)\n');
    expect(tap).toMatch(/\n# pass 1\n# fail 2\n$/);
    expect(formatHuman(report, { color: false })).toContain('1 passed, 1 failed (2 scenarios, 1 invalid file not run, seed r,');
  });
});
