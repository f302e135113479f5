import { randomBytes } from 'node:crypto';
import { generateAuthenticationOptions, generateRegistrationOptions } from '@simplewebauthn/server';
import { describe, expect, it } from 'vitest';
import { ATTESTATION_CONVEYANCES } from '../../../core/rp/attestation/types.js';
import { creationOptions, requestOptions, type CredentialDescriptor } from '../../../core/rp/ceremony/ceremonyOptions.js';
import { SUPPORTED_ALGORITHMS } from '../../../core/rp/ceremony/issueChallenge.js';
import { toBase64url } from '../../../core/webauthn/index.js';

/** What an HTTP client parses from the library's object (JSON drops undefined members; order is kept). */
const asJson = (value: unknown) => JSON.stringify(value);

const credentials = (n: number): CredentialDescriptor[] =>
  Array.from({ length: n }, (_, i) => ({ id: toBase64url(randomBytes(16 + i * 7)), transports: i % 2 ? ['hybrid', 'internal'] : ['usb'] }));

describe('ceremony options, built plain: the same JSON text as @simplewebauthn/server builds', () => {
  const USER_VERIFICATION = ['required', 'preferred', 'discouraged'] as const;
  const ATTACHMENTS = [undefined, 'platform', 'cross-platform'] as const;

  it('creation options, for every conveyance, user verification, attachment and 0–2 excluded credentials', async () => {
    let compared = 0;
    for (const attestation of ATTESTATION_CONVEYANCES)
      for (const userVerification of USER_VERIFICATION)
        for (const authenticatorAttachment of ATTACHMENTS)
          for (const excluded of [0, 1, 2]) {
            const challenge = randomBytes(32);
            const userId = randomBytes(32);
            const excludeCredentials = credentials(excluded);
            const library = await generateRegistrationOptions({
              rpName: 'ブローカー証券',
              rpID: 'bank.example',
              userName: 'taro',
              userID: userId.slice(),
              userDisplayName: '山田 太郎',
              challenge: challenge.slice(),
              timeout: 300_000,
              // As startRegistration asked the library: it knows none/direct/enterprise; indirect was set after.
              attestationType: attestation === 'indirect' ? 'none' : attestation,
              excludeCredentials: excludeCredentials.map((c) => ({ ...c })) as never,
              authenticatorSelection: { residentKey: 'preferred', userVerification, ...(authenticatorAttachment ? { authenticatorAttachment } : {}) },
              supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
            });
            if (attestation === 'indirect') library.attestation = 'indirect';
            const ours = creationOptions({
              rpName: 'ブローカー証券',
              rpId: 'bank.example',
              user: { id: userId, name: 'taro', displayName: '山田 太郎' },
              challenge,
              timeout: 300_000,
              attestation,
              excludeCredentials,
              residentKey: 'preferred',
              userVerification,
              ...(authenticatorAttachment ? { authenticatorAttachment } : {}),
              algorithms: SUPPORTED_ALGORITHMS,
            });
            expect(asJson(ours)).toBe(asJson(library));
            // Plain already: nothing JSON would drop or change.
            expect(JSON.parse(asJson(ours))).toStrictEqual(ours);
            compared++;
          }
    expect(compared).toBe(4 * 3 * 3 * 3);
  });

  it('request options, username-first (0–3 credentials) and discoverable, for every user verification', async () => {
    for (const userVerification of USER_VERIFICATION)
      for (const allowed of [undefined, 0, 1, 3]) {
        const challenge = randomBytes(32);
        const allowCredentials = allowed === undefined ? undefined : credentials(allowed);
        const library = await generateAuthenticationOptions({
          rpID: 'bank.example',
          challenge: challenge.slice(),
          timeout: 300_000,
          userVerification,
          ...(allowCredentials ? { allowCredentials: allowCredentials.map((c) => ({ ...c })) as never } : {}),
        });
        const ours = requestOptions({ rpId: 'bank.example', challenge, timeout: 300_000, userVerification, ...(allowCredentials ? { allowCredentials } : {}) });
        expect(asJson(ours)).toBe(asJson(library));
        expect(JSON.parse(asJson(ours))).toStrictEqual(ours);
        expect('allowCredentials' in ours).toBe(allowCredentials !== undefined);
        // The options own their lists: editing them leaves the caller's descriptors (and startLogin's fake default) alone.
        ours.allowCredentials?.forEach((c, i) => expect(c.transports).not.toBe(allowCredentials![i]!.transports));
      }
  });
});
