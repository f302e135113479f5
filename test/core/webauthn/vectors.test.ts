import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../../core/authenticator/createAuthenticator.js';
import { deriveEcKey } from '../../../core/authenticator/crypto/keys.js';
import { nobleBackend } from '../../../core/authenticator/crypto/noble.js';
import { nodeBackend } from '../../../core/authenticator/crypto/node.js';
import { builtInProfiles, bytesToAaguid } from '../../../core/authenticator/profiles.js';
import { ManualClock } from '../../../core/clock.js';
import { seededRandom } from '../../../core/random.js';
import { decodeAttestationObject } from '../../../core/webauthn/attestationObject.js';
import { parseAuthenticatorData } from '../../../core/webauthn/authData.js';
import { parseClientDataJSON } from '../../../core/webauthn/clientData.js';
import { decodeCoseKey, encodeCoseKey } from '../../../core/webauthn/cose.js';
import { bytesToHex, concatBytes } from '../../../core/webauthn/bytes.js';
import { sha256 } from '../../../core/webauthn/hash.js';

const fromStd = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

describe('pinned vectors (seeded, must never drift)', () => {
  it('a seeded ES256 COSE key encodes to exact hex', () => {
    const { publicKey } = deriveEcKey(-7, seededRandom('pinned-cose').bytes(48));
    expect(bytesToHex(encodeCoseKey(publicKey))).toBe(
      'a50102032620012158200cd9bff97d667461f0e923b35bcc8d36293dfc76b1999dc02c762b274bd48770225820643f82781e7c708b4333c1ac4912bb0cfdd796181652f29a9553876940bc60bd',
    );
  });

  it('a seeded EdDSA COSE key encodes to exact hex', () => {
    const { publicKey } = deriveEcKey(-8, seededRandom('pinned-cose').bytes(48));
    expect(bytesToHex(encodeCoseKey(publicKey))).toBe('a4010103272006215820b9a1a3d48c669e9f2c0cc1dfc7d3db2a84a88906bf53a4033318a615afffab05');
  });

  it('a seeded packed-self attestationObject encodes to exact hex (RFC 6979 makes the signature deterministic)', async () => {
    const authenticator = createAuthenticator({
      seed: 'pinned-attestation',
      clock: new ManualClock(),
      profile: { ...builtInProfiles['windows-hello']!, attestation: 'packed-self' },
    });
    const result = await authenticator.makeCredential({
      rpId: 'example.com',
      clientDataHash: new Uint8Array(32).fill(0x11),
      user: { id: new Uint8Array([1, 2, 3, 4]), name: 'alice', displayName: 'Alice' },
      pubKeyCredParams: [{ alg: -7 }],
      attestation: 'direct',
    });
    expect(bytesToHex(result.attestationObject)).toBe(
      'a363666d74667061636b65646761747453746d74a263616c67266373696758473045022100ba57ff521ad2edb7b6b670cae05bc495b6b3466a9e08ba1dbb00f9227a2df4850220597ae48f62ae4854bcc7dacce3833912e011d05516905cafddc29988fd318ee268617574684461746158a4a379a6f6eeafb9a55e378c118034e2751e682fab9f2d30ab13d2125586ce1947450000000008987058cadc4b81b6e130de50dcbe9600200aed83e3506d781857abf4f4e43a35698f326bce9f85b52e5432e60e2f270e4ba501020326200121582031337bff434fd8158ebf3ad68d5af9f56cf74d7d4810c053b9df7d05bbd52f9b22582026399f2f81cfb5b95100a515e4a90b87981900e8350f9f0e98ad504480ec2f7c',
    );
  });
});

/**
 * Published vector: fido2-lib's packed self-attestation fixture
 * (fido2-lib 3.5.9, test/fixtures/packedSelfAttestationData.js, `packedSelfAttestationResponse`),
 * a real authenticator's registration at http://localhost:3000.
 */
const published = {
  rawId:
    'AQ47WqsmEpNyOXuievJL2E4zQRwKIOJtBygs2nGN2vjVvFxVI7RqBqOv5BuDaBhLLGb5jk8xD1H0lROXihGXcxxCydVvwb/+c7O1tXDmoxs9nrffkDHILHm0JLMGp6oSViN84fNJEHqz9L6sYY8WQm7+1fZsntLdrDfom1u+9vLhgu3f0WiriwR7Zrp4UR0ghUSSoUILQw==',
  attestationObject:
    'o2NmbXRmcGFja2VkZ2F0dFN0bXSiY2FsZyZjc2lnWEcwRQIhAJtxagGwUSYByLAHercP5Bb9fSQCGKOZvJuAAeMH3ftKAiALpYif/uxfvBIIlF9gZ2cYGFFbunsCfeq21HHjPwca2GhhdXRoRGF0YVkBG0mWDeWIDoxodDQXD2R2YFuP5K65ooYyx5lc87qDHZdjRWHuwvatzgACNbzGCmSLCyXx8FUDAJcBDjtaqyYSk3I5e6J68kvYTjNBHAog4m0HKCzacY3a+NW8XFUjtGoGo6/kG4NoGEssZvmOTzEPUfSVE5eKEZdzHELJ1W/Bv/5zs7W1cOajGz2et9+QMcgsebQkswanqhJWI3zh80kQerP0vqxhjxZCbv7V9mye0t2sN+ibW7728uGC7d/RaKuLBHtmunhRHSCFRJKhQgtDpQECAyYgASFYILm32SqbhjbtJbs7/psoFlSH1OooE2PjiE4e40l9xC/nIlggnBfw1swfq2+iAIkjZRI0Fe9kHKaV9pgD+tqteqjwHJc=',
  clientDataJSON:
    'eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoiekJOWjlYbUJqNGN1N3h4WUlfdVNKYXVBajg5eU9UWlgxeEVxS3hoUXlkaFlDVGRvS0IwazhienMzbGxSckJ4UWxObjNXeVJvdld2WUFYbXVJaXN3TFEiLCJvcmlnaW4iOiJodHRwOi8vbG9jYWxob3N0OjMwMDAiLCJjcm9zc09yaWdpbiI6ZmFsc2V9',
};

describe('decoding a published WebAuthn vector (fido2-lib packedSelfAttestationResponse)', () => {
  const attestation = decodeAttestationObject(fromStd(published.attestationObject));
  const authData = parseAuthenticatorData(attestation.authData);
  const clientDataJSON = fromStd(published.clientDataJSON);

  it('yields fmt packed with an ES256 self-attestation statement', () => {
    expect(attestation.fmt).toBe('packed');
    expect(attestation.attStmt.get('alg')).toBe(-7);
    expect(attestation.attStmt.has('x5c')).toBe(false);
    expect((attestation.attStmt.get('sig') as Uint8Array).length).toBe(71);
  });

  it('yields the authenticator data fields', () => {
    expect(authData.rpIdHash).toEqual(sha256(new TextEncoder().encode('localhost')));
    expect(authData.flags).toEqual({ up: true, uv: true, be: false, bs: false, at: true, ed: false });
    expect(authData.signCount).toBe(0x61eec2f6);
    expect(bytesToAaguid(authData.attestedCredentialData!.aaguid)).toBe('adce0002-35bc-c60a-648b-0b25f1f05503');
    expect(authData.attestedCredentialData!.credentialId).toEqual(fromStd(published.rawId));
  });

  it('yields a valid P-256 COSE key that verifies the self-attestation signature', () => {
    const key = decodeCoseKey(authData.attestedCredentialData!.credentialPublicKey);
    expect(key.alg).toBe(-7);
    const signed = concatBytes(attestation.authData, sha256(clientDataJSON));
    const sig = attestation.attStmt.get('sig') as Uint8Array;
    expect(nobleBackend.verify(key, signed, sig)).toBe(true);
    expect(nodeBackend.verify(key, signed, sig)).toBe(true);
  });

  it('yields the clientData fields', () => {
    expect(parseClientDataJSON(clientDataJSON)).toMatchObject({ type: 'webauthn.create', origin: 'http://localhost:3000', crossOrigin: false });
  });
});
