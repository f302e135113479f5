import { describe, expect, it } from 'vitest';
import { builtInProfiles, createAuthenticator } from '../../../core/authenticator/index.js';
import { createClient } from '../../../core/client/index.js';
import { ManualClock } from '../../../core/clock.js';
import { openHarnessTrust, type HarnessTrust } from '../../../core/mds/index.js';
import { seededRandom } from '../../../core/random.js';
import { createRelyingParty, type RpPolicy } from '../../../core/rp/index.js';
import { openStore } from '../../../core/store/index.js';
import { codeOf, lastCode, ORIGIN, RP_ID } from './support.js';

const YUBIKEY = builtInProfiles['yubikey-5']!.aaguid;
// The scenario clock (2026-01-01) would call every real date "the future": use today's date.
const NOW = Date.UTC(2026, 10, 30, 12);

async function harnessTrust(seed = 'policy'): Promise<HarnessTrust> {
  return openHarnessTrust({ seed, clock: new ManualClock(NOW) });
}

function rpWith(trust: HarnessTrust, policy: Partial<RpPolicy>, extra: { withMetadata?: boolean } = {}) {
  const clock = new ManualClock(NOW);
  const store = openStore({ path: ':memory:' });
  const rp = createRelyingParty({
    store,
    rpId: RP_ID,
    rpName: 'YM証券',
    origins: [ORIGIN],
    clock,
    random: seededRandom('policy-rp'),
    policy: { scryptCost: 1024, ...policy },
    trust: { attestationRoots: [trust.ca.rootPem], mdsRoots: [trust.mds.rootPem], ...(extra.withMetadata === false ? {} : { metadata: { blob: () => trust.mds.blob() } }) },
  });
  rp.createAccount({ loginId: 'yamada', password: 'login-pass', tradingPassword: 't', displayName: '山田', emails: ['yamada@example.test'] });
  return { clock, store, rp };
}

type Env = ReturnType<typeof rpWith>;

function device(env: Env, profile: string, ca: HarnessTrust, seed = `phone-${profile}`) {
  const authenticator = createAuthenticator({ profile, clock: env.clock, seed, attestationCa: ca.ca });
  return createClient({ authenticator, origin: ORIGIN });
}

async function enroll(env: Env, client: ReturnType<typeof device>, attestation: 'direct' | 'none' = 'direct') {
  const { sessionId } = env.rp.login({ loginId: 'yamada', password: 'login-pass' });
  const { emails } = env.rp.listEmails({ sessionId });
  await env.rp.sendStepUpEmail({ sessionId, emailId: emails[0]!.emailId });
  const stepped = env.rp.verifyStepUp({ sessionId, code: lastCode(env as never, emails[0]!.address) }).sessionId;
  const { ceremonyId, options } = await env.rp.startRegistration({ sessionId: stepped, attestation });
  return env.rp.finishRegistration({ sessionId: stepped, ceremonyId, response: await client.create(options) });
}

async function login(env: Env, client: ReturnType<typeof device>) {
  const { ceremonyId, options } = await env.rp.startLogin({ loginId: 'yamada' });
  return env.rp.finishLogin({ ceremonyId, response: await client.get(options) });
}

describe('attestation policy: trusted roots and metadata (issue 13)', () => {
  it('refuses the rogue-CA packed attestation accepted on 2026-11-30 under trusted-roots and metadata', async () => {
    const trust = await harnessTrust();
    const rogue = await harnessTrust('rogue CA');
    for (const attestationPolicy of ['trusted-roots', 'metadata'] as const) {
      const env = rpWith(trust, { attestationPolicy });
      expect(await codeOf(enroll(env, device(env, 'yubikey-5', rogue)))).toBe('ATTESTATION_UNTRUSTED');
      expect(env.store.passkeys.listForAccount(1, { includeRevoked: true })).toHaveLength(0);
    }
    // `any` is today's behaviour, kept for tests that need it: it takes the rogue chain.
    const any = rpWith(trust, { attestationPolicy: 'any' });
    const { passkey } = await enroll(any, device(any, 'yubikey-5', rogue));
    expect(passkey.attestation).toMatchObject({ fmt: 'packed', type: 'basic', trustPath: 'not-checked' });
  });

  it('accepts a genuine harness phone under metadata and stores format, trust path, description, icon and status', async () => {
    const trust = await harnessTrust();
    const env = rpWith(trust, { attestationPolicy: 'metadata' });
    const { passkey } = await enroll(env, device(env, 'yubikey-5', trust));
    expect(passkey.attestation).toMatchObject({
      fmt: 'packed',
      type: 'basic',
      policy: 'metadata',
      trustPath: 'trusted',
      metadata: { description: 'YubiKey 5 NFC', status: 'FIDO_CERTIFIED_L1' },
    });
    expect(passkey.attestation!.anchor).toMatch(/Attestation Root/);
    expect(passkey.attestation!.metadata!.icon).toMatch(/^data:image\/png;base64,/);
    const inspected = env.rp.admin.inspectPasskey({ admin: (env.rp.admin.createAdmin({ name: 'ops', role: 'viewer' }), 'ops'), passkeyId: passkey.passkeyId });
    expect(inspected.attestation).toEqual(passkey.attestation);
  });

  it('refuses a model the MDS reports REVOKED at registration, naming the status', async () => {
    const trust = await harnessTrust();
    trust.mds.setStatus({ aaguid: YUBIKEY, status: 'REVOKED' });
    const env = rpWith(trust, { attestationPolicy: 'metadata' });
    const error = await enroll(env, device(env, 'yubikey-5', trust)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AUTHENTICATOR_STATUS_REJECTED', message: expect.stringContaining('REVOKED') });
    // A status effective only tomorrow is not in force today.
    const later = await harnessTrust('later');
    later.mds.setStatus({ aaguid: YUBIKEY, status: 'ATTESTATION_KEY_COMPROMISE', effective: '2026-12-01' });
    const env2 = rpWith(later, { attestationPolicy: 'metadata' });
    expect(await codeOf(enroll(env2, device(env2, 'yubikey-5', later)))).toBe('NO_ERROR');
  });

  describe('a model revoked after registration, at login', () => {
    for (const revokedModelAtLogin of ['record', 'warn', 'refuse'] as const) {
      it(`${revokedModelAtLogin}s it`, async () => {
        const trust = await harnessTrust(`after-${revokedModelAtLogin}`);
        const env = rpWith(trust, { attestationPolicy: 'metadata', revokedModelAtLogin });
        const client = device(env, 'yubikey-5', trust);
        await enroll(env, client);
        await login(env, client);
        trust.mds.setStatus({ aaguid: YUBIKEY, status: 'REVOKED' });
        const outcome = await codeOf(login(env, client));
        const audit = env.store.audit.list({ limit: 1000 });
        const lastLogin = audit.filter((e) => e.action === 'login.passkey').at(-1)!;
        const warnings = audit.filter((e) => e.action === 'login.authenticator-warning');
        if (revokedModelAtLogin === 'refuse') {
          expect(outcome).toBe('AUTHENTICATOR_STATUS_REJECTED');
          expect(lastLogin).toMatchObject({ outcome: 'failure', code: 'AUTHENTICATOR_STATUS_REJECTED' });
        } else {
          expect(outcome).toBe('NO_ERROR');
          expect(lastLogin.outcome).toBe('success');
          expect(lastLogin.details).toMatchObject({ authenticatorStatus: 'REVOKED' });
        }
        expect(warnings).toHaveLength(revokedModelAtLogin === 'warn' ? 1 : 0);
        if (revokedModelAtLogin === 'warn') expect(warnings[0]).toMatchObject({ code: 'AUTHENTICATOR_STATUS_REJECTED', details: expect.objectContaining({ status: 'REVOKED' }) });
      });
    }
  });

  it('self attestation under each policy (unattested: accept | refuse)', async () => {
    const trust = await harnessTrust();
    const cases: [Partial<RpPolicy>, string, string?][] = [
      [{ attestationPolicy: 'any' }, 'NO_ERROR', 'not-checked'],
      [{ attestationPolicy: 'trusted-roots', unattested: 'accept' }, 'NO_ERROR', 'unattested'],
      [{ attestationPolicy: 'trusted-roots', unattested: 'refuse' }, 'ATTESTATION_UNTRUSTED'],
      [{ attestationPolicy: 'metadata', unattested: 'accept' }, 'NO_ERROR', 'unattested'],
      [{ attestationPolicy: 'metadata', unattested: 'refuse' }, 'ATTESTATION_UNTRUSTED'],
    ];
    for (const [policy, code, trustPath] of cases) {
      const env = rpWith(trust, policy);
      const result = enroll(env, device(env, 'windows-hello', trust));
      expect(await codeOf(result), JSON.stringify(policy)).toBe(code);
      if (trustPath) expect((await result).passkey.attestation).toMatchObject({ fmt: 'packed', type: 'self', trustPath });
    }
  });

  it('an expired BLOB: refused under metadata (METADATA_UNAVAILABLE), ignored under trusted-roots', async () => {
    const trust = await harnessTrust();
    trust.mds.serve('expired');
    const strict = rpWith(trust, { attestationPolicy: 'metadata' });
    expect(await codeOf(enroll(strict, device(strict, 'yubikey-5', trust)))).toBe('METADATA_UNAVAILABLE');
    const roots = rpWith(trust, { attestationPolicy: 'trusted-roots' });
    expect(await codeOf(enroll(roots, device(roots, 'yubikey-5', trust)))).toBe('NO_ERROR');
  });

  it('a BLOB with a bad signature, an unknown root or a lower no is ignored: the last good one stands, else METADATA_UNAVAILABLE', async () => {
    const trust = await harnessTrust();
    for (const broken of ['bad-signature', 'unknown-root'] as const) {
      trust.mds.serve(broken);
      const fresh = rpWith(trust, { attestationPolicy: 'metadata' });
      expect(await codeOf(enroll(fresh, device(fresh, 'yubikey-5', trust))), broken).toBe('METADATA_UNAVAILABLE');
    }
    trust.mds.serve(null);
    const env = rpWith(trust, { attestationPolicy: 'metadata' });
    const client = device(env, 'yubikey-5', trust);
    await enroll(env, client);
    // MDS3 §3.1.8: a BLOB whose no is lower than one already seen is a rollback.
    trust.mds.serve('lower-no');
    expect(await codeOf(login(env, client))).toBe('NO_ERROR'); // this RP keeps its last good BLOB
    const restarted = createRelyingParty({
      store: env.store,
      rpId: RP_ID,
      rpName: 'YM証券',
      origins: [ORIGIN],
      clock: env.clock,
      random: seededRandom('restarted'),
      policy: { scryptCost: 1024, attestationPolicy: 'metadata' },
      trust: { attestationRoots: [trust.ca.rootPem], mdsRoots: [trust.mds.rootPem], metadata: { blob: () => trust.mds.blob() } },
    });
    // A restarted RP has no BLOB in memory but remembers the highest no in its database.
    expect(await codeOf(enroll({ ...env, rp: restarted }, device(env, 'yubikey-5', trust, 'second key')))).toBe('METADATA_UNAVAILABLE');
  });

  it('without roots configured, trusted-roots refuses every x5c chain', async () => {
    const trust = await harnessTrust();
    const clock = new ManualClock(NOW);
    const store = openStore({ path: ':memory:' });
    const rp = createRelyingParty({ store, rpId: RP_ID, rpName: 'x', origins: [ORIGIN], clock, random: seededRandom('r'), policy: { scryptCost: 1024, attestationPolicy: 'trusted-roots' } });
    rp.createAccount({ loginId: 'yamada', password: 'login-pass', tradingPassword: 't', displayName: '山田', emails: ['yamada@example.test'] });
    const env = { clock, store, rp } as Env;
    expect(await codeOf(enroll(env, device(env, 'yubikey-5', trust)))).toBe('ATTESTATION_UNTRUSTED');
  });
});
