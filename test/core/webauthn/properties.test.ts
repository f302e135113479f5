import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createAuthenticator } from '../../../core/authenticator/createAuthenticator.js';
import { builtInProfiles } from '../../../core/authenticator/profiles.js';
import { deriveEcKey } from '../../../core/authenticator/crypto/keys.js';
import { HarnessError } from '../../../core/errors.js';
import { decodeAttestationObject } from '../../../core/webauthn/attestationObject.js';
import { buildAuthenticatorData, parseAuthenticatorData } from '../../../core/webauthn/authData.js';
import { encodeCbor } from '../../../core/webauthn/cbor.js';
import { decodeCoseKey, encodeCoseKey } from '../../../core/webauthn/cose.js';
import { seededRandom } from '../../../core/random.js';

const keys = [
  encodeCoseKey(deriveEcKey(-7, seededRandom('prop-es256').bytes(48)).publicKey),
  encodeCoseKey(deriveEcKey(-8, seededRandom('prop-eddsa').bytes(48)).publicKey),
];

const authDataInput = fc.record({
  rpIdHash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  up: fc.boolean(),
  uv: fc.boolean(),
  be: fc.boolean(),
  bsIfBe: fc.boolean(),
  signCount: fc.nat({ max: 0xffffffff }),
  attested: fc.option(
    fc.record({
      aaguid: fc.uint8Array({ minLength: 16, maxLength: 16 }),
      credentialId: fc.uint8Array({ minLength: 1, maxLength: 1023 }),
      key: fc.constantFrom(...keys),
    }),
    { nil: undefined },
  ),
  extensions: fc.option(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.oneof(fc.boolean(), fc.integer(), fc.string({ maxLength: 8 }))), { nil: undefined }),
});

describe('authenticator data properties', () => {
  it('parse(build(x)) round-trips random authenticator data', () => {
    fc.assert(
      fc.property(authDataInput, (input) => {
        const extensions = input.extensions ? encodeCbor(new Map(Object.entries(input.extensions))) : undefined;
        const bytes = buildAuthenticatorData({
          rpIdHash: input.rpIdHash,
          flags: { up: input.up, uv: input.uv, be: input.be, bs: input.be && input.bsIfBe },
          signCount: input.signCount,
          ...(input.attested
            ? { attestedCredentialData: { aaguid: input.attested.aaguid, credentialId: input.attested.credentialId, credentialPublicKey: input.attested.key } }
            : {}),
          ...(extensions ? { extensions } : {}),
        });
        const parsed = parseAuthenticatorData(bytes);
        expect(parsed.rpIdHash).toEqual(input.rpIdHash);
        expect(parsed.flags).toEqual({ up: input.up, uv: input.uv, be: input.be, bs: input.be && input.bsIfBe, at: !!input.attested, ed: !!extensions });
        expect(parsed.signCount).toBe(input.signCount);
        if (input.attested) {
          expect(parsed.attestedCredentialData).toEqual({ aaguid: input.attested.aaguid, credentialId: input.attested.credentialId, credentialPublicKey: input.attested.key });
        } else {
          expect(parsed.attestedCredentialData).toBeUndefined();
        }
        expect(parsed.extensionsBytes).toEqual(extensions);
      }),
      { numRuns: 300 },
    );
  });
});

describe('mutated attestation objects', () => {
  it('only ever raise HarnessError', async () => {
    const samples: Uint8Array[] = [];
    for (const id of ['iphone-icloud', 'yubikey-5', 'windows-hello']) {
      const authenticator = createAuthenticator({ profile: { ...builtInProfiles[id]!, algorithms: [-7, -8] }, seed: `mutate-${id}` });
      const made = await authenticator.makeCredential({
        rpId: 'example.com',
        clientDataHash: new Uint8Array(32),
        user: { id: new Uint8Array([1]), name: 'a', displayName: 'A' },
        pubKeyCredParams: [{ alg: -8 }, { alg: -7 }],
        attestation: 'direct',
      });
      samples.push(made.attestationObject);
    }
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), value: fc.constant(0) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.array(mutation, { minLength: 1, maxLength: 4 }), (sample, mutations) => {
        let bytes = sample.slice();
        for (const m of mutations) {
          const at = m.at % (bytes.length + 1);
          if (m.kind === 'flip' && at < bytes.length) bytes[at] = m.value;
          else if (m.kind === 'truncate') bytes = bytes.slice(0, at);
          else bytes = new Uint8Array([...bytes.subarray(0, at), m.value, ...bytes.subarray(at)]);
        }
        try {
          const object = decodeAttestationObject(bytes);
          const authData = parseAuthenticatorData(object.authData);
          if (authData.attestedCredentialData) decodeCoseKey(authData.attestedCredentialData.credentialPublicKey);
        } catch (error) {
          if (!(error instanceof HarnessError)) throw error;
        }
      }),
      { numRuns: 1000 },
    );
  });
});
