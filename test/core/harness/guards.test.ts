// @peculiar/x509 (attestation CA) needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock.js';
import { CHANNEL_NAMES, VIEWER_CHANNELS, type ChannelName } from '../../../core/harness/channels.js';
import { createHarness, type Harness } from '../../../core/harness/createHarness.js';
import { HarnessError } from '../../../core/errors.js';

// Harness role guards whose removal no other test noticed (mutation testing), and the Signal API channel.
const origin = 'http://localhost:8787';
const YUBIKEY = 'cb69481e-8ff7-4039-93ec-0a2729a154a8';
let h: Harness;
let credentialId: string;
let userHandle: string;

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'NO_ERROR';
  } catch (error) {
    return error instanceof HarnessError ? error.code : String(error);
  }
}

beforeEach(async () => {
  h = await createHarness({ seed: 'harness-guards', clock: new ManualClock(), actor: { name: 'cli:ops', role: 'operator' } });
  await h['users.create']({ username: 'hanako', emails: ['hanako@example.jp'] });
  await h['phones.create']({ name: 'iphone', profile: 'iphone-icloud' });
  const enrolled = await h.enroll({ username: 'hanako', phone: 'iphone' });
  credentialId = enrolled.passkey.credentialId;
  userHandle = (await h['phones.credentials']({ name: 'iphone' }))[0]!.userHandle!;
});
afterEach(() => h.close());

/** Valid input for every channel that changes something: a refusal must come from the role, not from the input check. */
function mutatingCalls(exported: Record<string, unknown>): Partial<Record<ChannelName, unknown>> {
  const sources = [{ name: 'a.yaml', text: 'name: a\nsteps: []\n' }];
  return {
    'users.create': { username: 'taro' },
    'users.lock': { username: 'hanako', reason: 'r', ticket: 'T-1' },
    'users.unlock': { username: 'hanako', reason: 'r', ticket: 'T-1' },
    'users.endSessions': { username: 'hanako', reason: 'r' },
    'otp.enroll': { username: 'hanako' },
    'phones.create': { name: 'pixel' },
    'phones.rename': { name: 'iphone', newName: 'renamed' },
    'phones.export': { name: 'iphone' },
    'phones.import': { data: exported, name: 'copy' },
    'phones.delete': { name: 'iphone' },
    'phones.removeCredential': { name: 'iphone', credentialId },
    'phones.exportCredential': { name: 'iphone', credentialId },
    'phones.signal': { signal: 'unknownCredential', phone: 'iphone', origin, rpId: 'localhost', credentialId },
    'phones.createCredential': { phone: 'iphone', origin, options: { rp: { name: 'x' } } },
    'phones.getAssertion': { phone: 'iphone', origin, options: { challenge: 'AAAA' } },
    enroll: { username: 'hanako', phone: 'iphone' },
    login: { username: 'hanako', phone: 'iphone' },
    'admin.revoke': { credentialId, reason: 'r', ticket: 'T-1' },
    'admin.reset': { username: 'hanako', reason: 'r', ticket: 'T-1' },
    'scenarios.run': { sources },
    'scenarios.start': { sources },
    'scenarios.progress': { runId: 'run-1' },
    'mds.status': { aaguid: YUBIKEY, status: 'REVOKED' },
    'mds.serve': { broken: null },
  };
}

async function snapshot() {
  return {
    users: await h['users.list']({}),
    phones: await h['phones.list']({}),
    credentials: (await h['phones.credentials']({ name: 'iphone' })).map((c) => c.credentialId),
    passkeys: (await h['admin.passkeys']({ username: 'hanako' })).map((p) => [p.credentialId, p.revokedAt]),
    mds: (await h['mds.list']({})).entries.find((e) => e.aaguid === YUBIKEY)?.status,
    account: (await h['users.account']({ username: 'hanako' })).status,
  };
}

describe('viewer role (guardRole)', () => {
  it('refuses a viewer every channel that changes something, changes nothing, and audits each refusal', async () => {
    const exported = (await h['phones.export']({ name: 'iphone' })) as unknown as Record<string, unknown>;
    const calls = mutatingCalls(exported);
    // The table names every operator channel (a new channel needs a row here).
    expect(Object.keys(calls).sort()).toEqual(CHANNEL_NAMES.filter((c) => !VIEWER_CHANNELS.has(c)).sort());
    const viewer = h.as({ name: 'support', role: 'viewer' });
    const before = await snapshot();
    for (const [name, args] of Object.entries(calls) as [ChannelName, unknown][]) {
      const call = viewer[name] as (input: unknown) => Promise<unknown>;
      expect([name, await codeOf(call(args))]).toEqual([name, 'FORBIDDEN']);
    }
    expect(await snapshot()).toEqual(before);
    const refused = (await h['admin.audit']({})).filter((e) => e.actor === 'admin:support' && e.outcome === 'failure');
    expect(refused).toHaveLength(Object.keys(calls).length);
    expect(refused.every((e) => JSON.stringify(e).includes('FORBIDDEN'))).toBe(true);
  });

  it('shows a viewer the mailbox with every step-up code masked; the operator sees it', async () => {
    const viewer = h.as({ name: 'support', role: 'viewer' });
    const CODE = /(?<!\d)\d{6}(?!\d)/;
    // The enrolment's step-up mail carries the code in clear for the operator.
    const operatorMail = (await h['mailbox.list']({ to: 'hanako@example.jp' })).find((m) => CODE.test(m.text))!;
    const code = CODE.exec(operatorMail.text)![0];
    const listed = (await viewer['mailbox.list']({ to: 'hanako@example.jp' })).find((m) => m.id === operatorMail.id);
    const shown = await viewer['mailbox.show']({ id: operatorMail.id });
    for (const m of [listed!, shown]) {
      expect(`${m.subject}\n${m.text}`).not.toContain(code);
      expect(m).toMatchObject({ codesMasked: true });
    }
  });
});

describe('phones.signal', () => {
  // RP IDs are domains, compared case-insensitively (checkRpId lowercases): a page may spell it in capitals.
  it('an RP ID in capitals removes the passkey like the lowercase one, and audits what it removed', async () => {
    const result = await h['phones.signal']({ signal: 'unknownCredential', phone: 'iphone', origin, rpId: 'LocalHost', credentialId });
    expect(result.removed).toEqual([credentialId]);
    const listed = await h['phones.credentials']({ name: 'iphone' });
    expect(listed).toEqual([expect.objectContaining({ credentialId, removedBySignal: expect.objectContaining({ signal: 'unknownCredential', origin }) })]);
    const audit = await h['admin.auditSearch']({ action: 'phone.signal' });
    expect(audit.entries[0]).toMatchObject({ action: 'phone.signal.unknownCredential', targetLogin: 'hanako' });
    expect(userHandle).toBeTypeOf('string');
  });
});
