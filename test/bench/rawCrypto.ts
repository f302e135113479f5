import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { compareOpsPerSecond } from './measure.js';

/** What an assertion signs: authenticatorData (37 bytes) ‖ SHA-256(clientDataJSON). */
const message = new Uint8Array(37 + 32).fill(1);

function nodeP256() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const signature = sign('sha256', message, privateKey);
  return { privateKey, publicKey, spki, signature };
}

function nodeEd25519() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const signature = sign(null, message, privateKey);
  return { privateKey, publicKey, spki, signature };
}

export interface RawRates {
  nodeP256Keygen: number;
  nodeP256Sign: number;
  nodeP256Verify: number;
  nodeP256VerifyImport: number;
  nodeEd25519Sign: number;
  nodeEd25519Verify: number;
  nobleP256Sign: number;
  nobleP256Verify: number;
  nobleEd25519Sign: number;
  nobleEd25519Verify: number;
}

/** Raw signature rates of both libraries, measured in alternating best-of rounds. */
export async function measureRawCrypto(opts: { durationMs?: number; rounds?: number } = {}): Promise<RawRates> {
  const ec = nodeP256();
  const ed = nodeEd25519();
  const np = p256.utils.randomSecretKey();
  const npPub = p256.getPublicKey(np);
  const hash = sha256(message);
  const npSig = p256.sign(hash, np, { prehash: false });
  const ne = ed25519.utils.randomSecretKey();
  const nePub = ed25519.getPublicKey(ne);
  const neSig = ed25519.sign(message, ne);
  const importAndVerify = (spki: Buffer, alg: string | null, sig: Uint8Array) => verify(alg, message, createPublicKey({ key: spki, format: 'der', type: 'spki' }) as KeyObject, sig);
  const fns = [
    () => generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    () => sign('sha256', message, ec.privateKey),
    () => verify('sha256', message, ec.publicKey, ec.signature),
    () => importAndVerify(ec.spki, 'sha256', ec.signature),
    () => sign(null, message, ed.privateKey),
    () => verify(null, message, ed.publicKey, ed.signature),
    // noble: sign/verify over SHA-256(message), the same work an ES256 signature needs.
    () => p256.sign(sha256(message), np, { prehash: false }),
    () => p256.verify(npSig, hash, npPub, { prehash: false }),
    () => ed25519.sign(message, ne),
    () => ed25519.verify(neSig, message, nePub),
  ];
  const r = await compareOpsPerSecond(fns, { durationMs: opts.durationMs ?? 250, rounds: opts.rounds ?? 2 });
  return {
    nodeP256Keygen: r[0]!,
    nodeP256Sign: r[1]!,
    nodeP256Verify: r[2]!,
    nodeP256VerifyImport: r[3]!,
    nodeEd25519Sign: r[4]!,
    nodeEd25519Verify: r[5]!,
    nobleP256Sign: r[6]!,
    nobleP256Verify: r[7]!,
    nobleEd25519Sign: r[8]!,
    nobleEd25519Verify: r[9]!,
  };
}
