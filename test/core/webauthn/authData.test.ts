import { describe, expect, it } from 'vitest';
import { buildAuthenticatorData, parseAuthenticatorData } from '../../../core/webauthn/authData.js';
import { decodeCoseKey, encodeCoseKey } from '../../../core/webauthn/cose.js';
import { encodeCbor } from '../../../core/webauthn/cbor.js';
import { concatBytes } from '../../../core/webauthn/bytes.js';
import { deriveEcKey } from '../../../core/authenticator/crypto/keys.js';
import { seededRandom } from '../../../core/random.js';
import { parseClientDataJSON, buildClientDataJSON } from '../../../core/webauthn/clientData.js';
import { decodeAttestationObject } from '../../../core/webauthn/attestationObject.js';

const rpIdHash = new Uint8Array(32).fill(1);
const key = deriveEcKey(-7, seededRandom('authdata').bytes(48)).publicKey;
const coseKey = encodeCoseKey(key);
const withAttested = buildAuthenticatorData({
  rpIdHash,
  flags: { up: true },
  signCount: 0,
  attestedCredentialData: { aaguid: new Uint8Array(16), credentialId: new Uint8Array([7, 7]), credentialPublicKey: coseKey },
});

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('parseAuthenticatorData rejects', () => {
  it('input shorter than 37 bytes', () => expect(code(() => parseAuthenticatorData(new Uint8Array(36)))).toBe('AUTHDATA_MALFORMED'));
  it('BS set without BE (§6.1)', () => {
    const bytes = buildAuthenticatorData({ rpIdHash, flags: { up: true, bs: true }, signCount: 0 });
    expect(code(() => parseAuthenticatorData(bytes))).toBe('AUTHDATA_FLAGS_INCONSISTENT');
  });
  it('AT set with no attested credential data', () => {
    const bytes = buildAuthenticatorData({ rpIdHash, flags: { up: true, at: true }, signCount: 0 });
    expect(code(() => parseAuthenticatorData(bytes))).toBe('AUTHDATA_FLAGS_INCONSISTENT');
  });
  it('attested data present with AT clear', () => {
    const bytes = withAttested.slice();
    bytes[32] = 0x01;
    expect(code(() => parseAuthenticatorData(bytes))).toBe('AUTHDATA_FLAGS_INCONSISTENT');
  });
  it('ED set with no extensions', () => {
    const bytes = buildAuthenticatorData({ rpIdHash, flags: { up: true, ed: true }, signCount: 0 });
    expect(code(() => parseAuthenticatorData(bytes))).toBe('AUTHDATA_FLAGS_INCONSISTENT');
  });
  it('leftover bytes after the credential public key', () => {
    expect(code(() => parseAuthenticatorData(concatBytes(withAttested, new Uint8Array([0]))))).toBe('AUTHDATA_MALFORMED');
  });
  it('a credentialId length running past the end', () => {
    const bytes = withAttested.slice();
    bytes[53] = 0xff;
    expect(code(() => parseAuthenticatorData(bytes))).toBe('AUTHDATA_MALFORMED');
  });
  it('reserved flag bits', () => {
    const bytes = buildAuthenticatorData({ rpIdHash, flags: { up: true }, signCount: 0 });
    bytes[32] = 0x03;
    expect(code(() => parseAuthenticatorData(bytes))).toBe('AUTHDATA_FLAGS_INCONSISTENT');
  });
  it('extensions that are not a map', () => {
    const bytes = buildAuthenticatorData({ rpIdHash, flags: { up: true }, signCount: 0, extensions: encodeCbor([1]) });
    expect(code(() => parseAuthenticatorData(bytes))).toBe('AUTHDATA_MALFORMED');
  });
});

describe('COSE keys', () => {
  it('round-trip', () => expect(decodeCoseKey(coseKey)).toEqual(key));
  it('reject a point off the curve', () => {
    const ec = key as Extract<typeof key, { kty: 2 }>;
    const off = { x: ec.x, y: ec.y.slice() };
    off.y[31] = off.y[31]! ^ 1;
    expect(code(() => decodeCoseKey(encodeCbor(new Map<number, unknown>([[1, 2], [3, -7], [-1, 1], [-2, off.x], [-3, off.y]]))))).toBe('COSE_INVALID');
  });
  it('reject kty/alg incoherence (EC2 with EdDSA)', () => {
    expect(code(() => decodeCoseKey(encodeCbor(new Map<number, unknown>([[1, 2], [3, -8], [-1, 1], [-2, new Uint8Array(32)], [-3, new Uint8Array(32)]]))))).toBe('COSE_INVALID');
  });
  it('reject a short coordinate', () => {
    expect(code(() => decodeCoseKey(encodeCbor(new Map<number, unknown>([[1, 1], [3, -8], [-1, 6], [-2, new Uint8Array(31)]]))))).toBe('COSE_INVALID');
  });
  it('reject an unsupported algorithm', () => {
    expect(code(() => decodeCoseKey(encodeCbor(new Map<number, unknown>([[1, 2], [3, -35]]))))).toBe('COSE_UNSUPPORTED_ALG');
  });
});

describe('clientDataJSON and attestationObject', () => {
  it('round-trips clientDataJSON in browser key order', () => {
    const bytes = buildClientDataJSON({ type: 'webauthn.get', challenge: 'AAAA', origin: 'https://a.example' });
    expect(new TextDecoder().decode(bytes)).toBe('{"type":"webauthn.get","challenge":"AAAA","origin":"https://a.example","crossOrigin":false}');
    expect(parseClientDataJSON(bytes).origin).toBe('https://a.example');
  });
  it('rejects clientDataJSON that is not JSON', () => expect(code(() => parseClientDataJSON(new Uint8Array([0x7b])))).toBe('CLIENTDATA_MALFORMED'));
  it('rejects clientDataJSON after a byte order mark (no browser sends one; Python and Go refuse it)', () => {
    const bytes = buildClientDataJSON({ type: 'webauthn.get', challenge: 'AAAA', origin: 'https://a.example' });
    expect(code(() => parseClientDataJSON(Uint8Array.from([0xef, 0xbb, 0xbf, ...bytes])))).toBe('CLIENTDATA_MALFORMED');
  });
  it('rejects an attestationObject whose authData is not bytes', () => {
    expect(code(() => decodeAttestationObject(encodeCbor(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', 'x']]))))).toBe('ATTESTATION_MALFORMED');
  });
});
