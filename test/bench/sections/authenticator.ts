import type { CryptoBackend } from '../../../core/authenticator/crypto/backend.js';
import { built } from '../built.js';
import { compareOpsPerSecond, opsPerSecond } from '../measure.js';
import type { Section } from '../section.js';

/** getAssertion must cost at most this many raw signatures of the same curve and backend. */
const TARGET = 1.5;

/**
 * makeCredential and getAssertion throughput beside the raw sign rate of the same curve and
 * backend, measured in the same run, so the ratio shows the authenticator's own overhead.
 */
export async function run(): Promise<Section> {
  const { createAuthenticator } = await built<typeof import('../../../core/authenticator/createAuthenticator.js')>('core/authenticator/createAuthenticator.js');
  const { nobleBackend } = await built<typeof import('../../../core/authenticator/crypto/noble.js')>('core/authenticator/crypto/noble.js');
  const { nodeBackend } = await built<typeof import('../../../core/authenticator/crypto/node.js')>('core/authenticator/crypto/node.js');
  const { builtInProfiles } = await built<typeof import('../../../core/authenticator/profiles.js')>('core/authenticator/profiles.js');
  const { COSEAlg, coseAlgName } = await built<typeof import('../../../core/webauthn/cose.js')>('core/webauthn/cose.js');
  const rows: (string | number)[][] = [];
  const notes: string[] = [];
  const clientDataHash = new Uint8Array(32).fill(7);
  const signedBytes = new Uint8Array(37 + 32).fill(1);
  for (const backend of [nobleBackend, nodeBackend] as CryptoBackend[]) {
    for (const alg of [COSEAlg.ES256, COSEAlg.EdDSA]) {
      const authenticator = createAuthenticator({
        profile: { ...builtInProfiles['yubikey-5']!, algorithms: [alg], attestation: 'none' },
        backend,
        seed: `bench-${backend.name}-${alg}`,
      });
      const user = { id: new Uint8Array([1, 2, 3]), name: 'bench', displayName: 'Bench' };
      const made = await authenticator.makeCredential({ rpId: 'bench.example', clientDataHash, user, pubKeyCredParams: [{ alg }], residentKey: 'required' });
      const key = backend.importPrivateKey(alg, backend.generateKeyPair(alg, new Uint8Array(48).fill(5)).pkcs8);
      const allowList = [made.credentialId];

      const [rawSign, assertion] = (await compareOpsPerSecond([
        () => backend.sign(key, signedBytes),
        () => authenticator.getAssertion({ rpId: 'bench.example', clientDataHash, allowList }),
      ])) as [number, number];
      // Separate RP IDs keep the discoverable-credential overwrite scan from growing with the loop.
      let n = 0;
      const create = await opsPerSecond(
        () => authenticator.makeCredential({ rpId: `r${n++}.bench.example`, clientDataHash, user, pubKeyCredParams: [{ alg }] }),
        { durationMs: 500 },
      );
      const ratio = rawSign / assertion;
      rows.push([backend.name, coseAlgName(alg), Math.round(rawSign), Math.round(assertion), Number(ratio.toFixed(2)), Math.round(create), Number((rawSign / create).toFixed(2))]);
      if (ratio > TARGET) notes.push(`over target: ${backend.name} ${coseAlgName(alg)} getAssertion costs ${ratio.toFixed(2)}× a raw sign (target ≤ ${TARGET}×)`);
    }
  }
  notes.unshift(`ratio = raw sign ops/s ÷ operation ops/s (cost of one operation in raw signatures); target for getAssertion ≤ ${TARGET}×.`);
  return {
    title: 'Authenticator: makeCredential / getAssertion vs raw signing',
    columns: ['backend', 'alg', 'raw sign/s', 'getAssertion/s', 'ratio', 'makeCredential/s', 'ratio'],
    rows,
    notes,
  };
}
