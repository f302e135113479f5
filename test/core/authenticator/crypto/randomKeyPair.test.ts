import { p256 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../../../core/authenticator/createAuthenticator.js';
import type { CryptoBackend } from '../../../../core/authenticator/crypto/backend.js';
import { ownPkcs8Secret } from '../../../../core/authenticator/crypto/keys.js';
import { nobleBackend } from '../../../../core/authenticator/crypto/noble.js';
import { nodeBackend } from '../../../../core/authenticator/crypto/node.js';
import { createClient } from '../../../../core/client/index.js';
import { systemRandom } from '../../../../core/random.js';
import { createRelyingParty } from '../../../../core/rp/index.js';
import { openStore } from '../../../../core/store/openStore.js';
import { COSEAlg } from '../../../../core/webauthn/cose.js';
import { bytesToHex, concatBytes } from '../../../../core/webauthn/index.js';

/**
 * Authenticators on system randomness take their P-256 keys from OpenSSL's generator (nothing to
 * replay); seeded ones keep deriving. The material must be what the derivation path gives: the
 * point of d (checked by noble, not by OpenSSL), our PKCS#8 layout, a handle that signs for that point.
 */
describe('node backend: random P-256 keys from OpenSSL', () => {
  it('the COSE point is d·G (noble), the PKCS#8 is ours and round-trips, the handle signs for the point (noble verifies), every key differs', () => {
    const data = new TextEncoder().encode('authData ‖ clientDataHash');
    const seen = new Set<string>();
    for (let i = 0; i < 64; i++) {
      const material = nodeBackend.generateRandomKeyPair!(COSEAlg.ES256)!;
      expect(material.alg).toBe(COSEAlg.ES256);
      const secret = ownPkcs8Secret(COSEAlg.ES256, material.pkcs8)!;
      expect(secret).toHaveLength(32);
      const point = p256.getPublicKey(secret, false);
      const { x, y } = material.publicKey as { x: Uint8Array; y: Uint8Array };
      expect(bytesToHex(concatBytes(Uint8Array.of(4), x, y))).toBe(bytesToHex(point));
      expect(nobleBackend.verify(material.publicKey, data, nodeBackend.sign(material.handle!, data))).toBe(true);
      // The stored PKCS#8 is the key: both backends re-import it and sign for the same point.
      expect(nodeBackend.verify(material.publicKey, data, nobleBackend.sign(nobleBackend.importPrivateKey(COSEAlg.ES256, material.pkcs8), data))).toBe(true);
      expect(nobleBackend.verify(material.publicKey, data, nodeBackend.sign(nodeBackend.importPrivateKey(COSEAlg.ES256, material.pkcs8), data))).toBe(true);
      seen.add(bytesToHex(secret));
    }
    expect(seen.size).toBe(64);
  });

  it('other algorithms have no random path (they derive from random bytes)', () => {
    expect(nodeBackend.generateRandomKeyPair!(COSEAlg.EdDSA)).toBeUndefined();
    expect(nodeBackend.generateRandomKeyPair!(COSEAlg.RS256)).toBeUndefined();
    expect(nobleBackend.generateRandomKeyPair).toBeUndefined();
  });

  it('makeCredential uses it only on system randomness; the credential registers and logs in at the RP', async () => {
    const calls: string[] = [];
    const counting: CryptoBackend = {
      ...nodeBackend,
      generateRandomKeyPair(alg) {
        calls.push('random');
        return nodeBackend.generateRandomKeyPair!(alg);
      },
      generateKeyPair(alg, seed) {
        calls.push('derived');
        return nodeBackend.generateKeyPair(alg, seed);
      },
    };
    const origin = 'https://broker.example.test';
    const store = openStore({ path: ':memory:' });
    const rp = createRelyingParty({ store, rpId: 'broker.example.test', rpName: 'test', origins: [origin], policy: { scryptCost: 1024 } });
    await rp.createAccount({ loginId: 'yamada', password: 'pw', tradingPassword: 'tpw', displayName: 'Yamada', emails: ['y@example.test'] });
    const { sessionId } = rp.login({ loginId: 'yamada', password: 'pw' });
    const { emails } = rp.listEmails({ sessionId });
    await rp.sendStepUpEmail({ sessionId, emailId: emails[0]!.emailId });
    const code = /\b(\d{6})\b/.exec(rp.listMail({ to: 'y@example.test' }).messages[0]!.text)![1]!;
    const stepped = rp.verifyStepUp({ sessionId, code }).sessionId;

    const system = createClient({ authenticator: createAuthenticator({ backend: counting, random: systemRandom }), origin });
    const reg = await rp.startRegistration({ sessionId: stepped });
    await rp.finishRegistration({ sessionId: stepped, ceremonyId: reg.ceremonyId, response: await system.create(reg.options) });
    expect(calls).toEqual(['random']);
    const login = await rp.startLogin({ loginId: 'yamada' });
    await expect(rp.finishLogin({ ceremonyId: login.ceremonyId, response: await system.get(login.options) })).resolves.toMatchObject({ sessionId: expect.any(String) });

    calls.length = 0;
    const seeded = createClient({ authenticator: createAuthenticator({ backend: counting, seed: 'replayable' }), origin });
    const again = await rp.startRegistration({ sessionId: stepped });
    await rp.finishRegistration({ sessionId: stepped, ceremonyId: again.ceremonyId, response: await seeded.create(again.options) });
    expect(calls).toEqual(['derived']);
    store.close();
  });
});
