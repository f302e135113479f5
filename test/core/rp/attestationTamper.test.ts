import { convertCOSEtoPKCS } from '@simplewebauthn/server/helpers';
import { describe, expect, it } from 'vitest';
import { builtInProfiles, nobleBackend, type DeviceProfile } from '../../../core/authenticator/index.js';
import { openHarnessTrust } from '../../../core/mds/index.js';
import { decodeAttestationObject, encodeAttestationObject } from '../../../core/webauthn/attestationObject.js';
import { buildAuthenticatorData, parseAuthenticatorData } from '../../../core/webauthn/authData.js';
import { fromBase64url, toBase64url } from '../../../core/webauthn/base64url.js';
import type { CborKey, CborValue } from '../../../core/webauthn/cbor.js';
import { concatBytes } from '../../../core/webauthn/index.js';
import { sha256 } from '../../../core/webauthn/hash.js';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '../../../core/webauthn/types.js';
import { codeOf, loginAndStepUp, ORIGIN, phone, RP_ID, seedCustomer, setup, type Env } from './support.js';

// An independent tamper suite found each of these accepted with a stored passkey on 2026-11-30
// (@simplewebauthn/server 14.0.3 checks none of them): each test failed before our own checks.

function fresh(): Env {
  const env = setup({ policy: { attestationPolicy: 'any' } as never });
  seedCustomer(env);
  return env;
}

async function register(env: Env, profile: string | DeviceProfile, attestation: 'none' | 'direct' = 'direct') {
  const sessionId = await loginAndStepUp(env);
  const p = phone(env, { profile });
  const { ceremonyId, options } = await env.rp.startRegistration({ sessionId, attestation } as never);
  return { sessionId, ceremonyId, response: await p.client.create(options), ...p };
}

function rewrite(r: RegistrationResponseJSON, fmt: string, attStmt: Map<CborKey, CborValue>, authData?: Uint8Array): RegistrationResponseJSON {
  const att = decodeAttestationObject(fromBase64url(r.response.attestationObject));
  return { ...r, response: { ...r.response, attestationObject: toBase64url(encodeAttestationObject({ fmt, attStmt, authData: authData ?? att.authData })) } };
}

/** A fido-u2f statement signed by a genuine harness U2F leaf over whatever credential key authData holds. */
async function asFidoU2f(r: RegistrationResponseJSON, extraCerts: Uint8Array[] = []): Promise<RegistrationResponseJSON> {
  const trust = await openHarnessTrust({ seed: 'tamper' });
  const u2f = await trust.ca.u2fCertificate();
  const att = decodeAttestationObject(fromBase64url(r.response.attestationObject));
  const parsed = parseAuthenticatorData(att.authData);
  const attested = parsed.attestedCredentialData!;
  const authData = buildAuthenticatorData({ rpIdHash: parsed.rpIdHash, flags: parsed.flags, signCount: parsed.signCount, attestedCredentialData: { ...attested, aaguid: new Uint8Array(16) } });
  const clientDataHash = sha256(fromBase64url(r.response.clientDataJSON));
  // What the verifier rebuilds as publicKeyU2F: 0x04 ‖ x (‖ y when there is one).
  const data = concatBytes(Uint8Array.of(0), parsed.rpIdHash, clientDataHash, attested.credentialId, convertCOSEtoPKCS(attested.credentialPublicKey.slice()));
  const attStmt = new Map<CborKey, CborValue>([['sig', nobleBackend.sign(u2f.key, data)], ['x5c', [u2f.certificate, ...extraCerts]]]);
  return rewrite(r, 'fido-u2f', attStmt, authData);
}

const custom = (id: string, algorithms: number[]): DeviceProfile => ({ ...builtInProfiles['iphone-icloud']!, id, label: id, algorithms: algorithms as never, attestation: 'none' });

describe('attestation statements that disagree with the credential key (WebAuthn §8.2, §8.6)', () => {
  it('control: a genuine fido-u2f statement over a P-256 key is accepted', async () => {
    const env = fresh();
    const { sessionId, ceremonyId, response } = await register(env, custom('p256', [-7]), 'none');
    expect(await codeOf(env.rp.finishRegistration({ sessionId, ceremonyId, response: await asFidoU2f(response) }))).toBe('NO_ERROR');
  });

  it('rejects packed self attestation whose alg differs from the credential key (ES256 key, alg RS256)', async () => {
    const env = fresh();
    const { sessionId, ceremonyId, response } = await register(env, 'windows-hello');
    const att = decodeAttestationObject(fromBase64url(response.response.attestationObject));
    expect(att.fmt).toBe('packed');
    expect(att.attStmt.has('x5c')).toBe(false);
    const forged = rewrite(response, 'packed', new Map<CborKey, CborValue>([['alg', -257], ['sig', att.attStmt.get('sig')!]]));
    expect(await codeOf(env.rp.finishRegistration({ sessionId, ceremonyId, response: forged }))).toBe('ATTESTATION_MALFORMED');
    expect(env.store.passkeys.listForAccount(1, { includeRevoked: true })).toHaveLength(0);
  });

  it.each([
    ['Ed25519', [-8]],
    ['RSA', [-257]],
  ])('rejects fido-u2f attestation over an %s credential key', async (_name, algs) => {
    const env = fresh();
    const { sessionId, ceremonyId, response } = await register(env, custom(`k${algs[0]}`, algs), 'none');
    expect(await codeOf(env.rp.finishRegistration({ sessionId, ceremonyId, response: await asFidoU2f(response) }))).toBe('ATTESTATION_MALFORMED');
    expect(env.store.passkeys.listForAccount(1, { includeRevoked: true })).toHaveLength(0);
  });

  it('rejects fido-u2f whose x5c holds more than one certificate (§8.6 step 2)', async () => {
    const env = fresh();
    const trust = await openHarnessTrust({ seed: 'tamper' });
    const { sessionId, ceremonyId, response } = await register(env, custom('p256b', [-7]), 'none');
    expect(await codeOf(env.rp.finishRegistration({ sessionId, ceremonyId, response: await asFidoU2f(response, [trust.ca.rootCertificate]) }))).toBe('ATTESTATION_MALFORMED');
  });
});

function withRawClientData<T extends { response: { clientDataJSON: string } }>(r: T, text: string): T {
  return { ...r, response: { ...r.response, clientDataJSON: toBase64url(new TextEncoder().encode(text)) } };
}

/** The genuine clientDataJSON with a hostile first copy of `member` in front (JSON.parse keeps the last). */
function duplicated(r: { response: { clientDataJSON: string } }, member: string, hostile: unknown, escapeName = false): string {
  const genuine = new TextDecoder().decode(fromBase64url(r.response.clientDataJSON));
  const name = escapeName ? `\\u00${member.charCodeAt(0).toString(16)}${member.slice(1)}` : member;
  return `{"${name}":${JSON.stringify(hostile)},${genuine.slice(1)}`;
}

describe('clientDataJSON with duplicate members is CLIENTDATA_MALFORMED (a parser differential)', () => {
  const hostile: Record<string, unknown> = { type: 'webauthn.get', challenge: 'AAAA', origin: 'https://evil.example.test', crossOrigin: true };

  for (const member of ['type', 'challenge', 'origin', 'crossOrigin']) {
    it(`at registration: "${member}" twice, the first hostile`, async () => {
      const env = fresh();
      const { sessionId, ceremonyId, response } = await register(env, 'iphone-icloud', 'none');
      const forged = withRawClientData(response, duplicated(response, member, hostile[member]));
      expect(await codeOf(env.rp.finishRegistration({ sessionId, ceremonyId, response: forged }))).toBe('CLIENTDATA_MALFORMED');
    });
  }

  it('at registration: a duplicate spelled with a \\u escape is still a duplicate', async () => {
    const env = fresh();
    const { sessionId, ceremonyId, response } = await register(env, 'iphone-icloud', 'none');
    const forged = withRawClientData(response, duplicated(response, 'origin', hostile.origin, true));
    expect(await codeOf(env.rp.finishRegistration({ sessionId, ceremonyId, response: forged }))).toBe('CLIENTDATA_MALFORMED');
  });

  for (const member of ['type', 'challenge', 'origin', 'crossOrigin']) {
    it(`at authentication: "${member}" twice, signed by the genuine authenticator`, async () => {
      const env = fresh();
      const { sessionId, ceremonyId, response, authenticator } = await register(env, 'iphone-icloud', 'none');
      await env.rp.finishRegistration({ sessionId, ceremonyId, response });
      const login = await env.rp.startLogin({ loginId: 'yamada' });
      const genuine = JSON.stringify({ type: 'webauthn.get', challenge: login.options.challenge, origin: ORIGIN, crossOrigin: false });
      const text = duplicated({ response: { clientDataJSON: toBase64url(new TextEncoder().encode(genuine)) } }, member, hostile[member]);
      const bytes = new TextEncoder().encode(text);
      // The authenticator signs exactly these bytes: only the duplicate is wrong.
      const result = await authenticator.getAssertion({ rpId: RP_ID, clientDataHash: sha256(bytes), allowList: login.options.allowCredentials!.map((c) => fromBase64url(c.id)) });
      const id = toBase64url(result.credentialId);
      const assertion: AuthenticationResponseJSON = {
        id,
        rawId: id,
        type: 'public-key',
        response: { clientDataJSON: toBase64url(bytes), authenticatorData: toBase64url(result.authenticatorData), signature: toBase64url(result.signature), ...(result.userHandle ? { userHandle: toBase64url(result.userHandle) } : {}) },
        clientExtensionResults: {},
      };
      expect(await codeOf(env.rp.finishLogin({ ceremonyId: login.ceremonyId, response: assertion }))).toBe('CLIENTDATA_MALFORMED');
    });
  }
});
