import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from '../../webauthn/index.js';

/**
 * Deterministic RSA key generation for seeded replay: node:crypto cannot seed its RSA keygen, so
 * the primes come from an HMAC-DRBG (NIST SP 800-90A §10.1.2, SHA-256, no reseed) over the
 * seed, searched incrementally from a random odd start (sieve over small primes, then a
 * probable-prime test: OpenSSL's under Node, else Miller–Rabin with 8 fixed bases — FIPS 186-5
 * Table B.1 asks 5 rounds for 1024-bit primes of a 2048-bit modulus). For test keys only: the seed
 * is the whole secret.
 */
export interface RsaKeyParameters {
  n: bigint;
  e: bigint;
  d: bigint;
  p: bigint;
  q: bigint;
  dp: bigint;
  dq: bigint;
  qi: bigint;
}

/** SP 800-90A HMAC_DRBG (SHA-256): instantiate with the seed (entropy ‖ nonce), then generate; `reseed` exists for the CAVP vectors. */
export function hmacDrbg(seed: Uint8Array): { generate(length: number): Uint8Array; reseed(entropy: Uint8Array): void } {
  let k = new Uint8Array(32);
  let v = new Uint8Array(32).fill(1);
  const update = (data: Uint8Array) => {
    k = hmac(sha256, k, concatBytes(v, Uint8Array.of(0), data));
    v = hmac(sha256, k, v);
    if (data.length === 0) return;
    k = hmac(sha256, k, concatBytes(v, Uint8Array.of(1), data));
    v = hmac(sha256, k, v);
  };
  update(seed);
  return {
    generate(length) {
      const out = new Uint8Array(length);
      for (let filled = 0; filled < length; filled += 32) {
        v = hmac(sha256, k, v);
        out.set(v.subarray(0, Math.min(32, length - filled)), filled);
      }
      update(new Uint8Array(0));
      return out;
    },
    reseed: update,
  };
}

const SMALL_PRIMES: number[] = (() => {
  const limit = 4096;
  const sieve = new Uint8Array(limit);
  const primes: number[] = [];
  for (let i = 3; i < limit; i += 2) {
    if (sieve[i]) continue;
    primes.push(i);
    for (let j = i * i; j < limit; j += 2 * i) sieve[j] = 1;
  }
  return primes;
})();

export function bytesToBigInt(bytes: Uint8Array): bigint {
  let out = 0n;
  for (const b of bytes) out = (out << 8n) | BigInt(b);
  return out;
}

export function bigIntToBytes(value: bigint): Uint8Array {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

export function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [((a % m) + m) % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const quotient = oldR / r;
    [oldR, r] = [r, oldR - quotient * r];
    [oldS, s] = [s, oldS - quotient * s];
  }
  if (oldR !== 1n) throw new RangeError('not invertible');
  return ((oldS % m) + m) % m;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/**
 * Miller–Rabin with the first eight primes as bases. Fixed bases are sound for candidates nobody
 * chose adversarially (ours come from the DRBG), and they draw nothing from it: the candidate
 * stream — hence the key — is the same whichever test judges it.
 */
function isProbablePrime(n: bigint): boolean {
  let d = n - 1n;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  for (const a of [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n]) {
    let x = modPow(a, d, n);
    if (x === 1n || x === n - 1n) continue;
    let composite = true;
    for (let i = 1; i < s; i++) {
      x = (x * x) % n;
      if (x === n - 1n) {
        composite = false;
        break;
      }
    }
    if (composite) return false;
  }
  return true;
}

/** Probable-prime test for a sieved candidate (it must not draw from the DRBG). */
export type PrimalityTest = (candidate: bigint) => boolean;

/** A `bits`-bit prime with its top two bits set (so p·q has exactly 2·bits bits) and gcd(e, p−1) = 1. */
function generatePrime(bits: number, e: bigint, random: (length: number) => Uint8Array, isPrime: PrimalityTest): bigint {
  for (;;) {
    const start = bytesToBigInt(random(bits / 8)) | (3n << BigInt(bits - 2)) | 1n;
    const residues = SMALL_PRIMES.map((p) => Number(start % BigInt(p)));
    // Walk odd numbers from the start; the sieve rejects most composites without bigint work.
    for (let delta = 0; delta < 1 << 16; delta += 2) {
      if (SMALL_PRIMES.some((p, i) => (residues[i]! + delta) % p === 0)) continue;
      const candidate = start + BigInt(delta);
      if (candidate >> BigInt(bits) !== 0n) break;
      if (gcd(e, candidate - 1n) !== 1n) continue;
      if (isPrime(candidate)) return candidate;
    }
  }
}

/**
 * RSA parameters (e = 65537) reproducible from `seed`. The candidates are the DRBG's, so the primes
 * are too, whatever the primality test: the default is Miller–Rabin on bigints (pure JS); Node passes
 * OpenSSL's `checkPrimeSync`, ≈ 10× faster; both judge every candidate alike but for a probability
 * below 2^-80, so the key does not depend on which ran.
 */
export function deterministicRsaKey(seed: Uint8Array, modulusBits = 2048, isPrime: PrimalityTest = isProbablePrime): RsaKeyParameters {
  const drbg = hmacDrbg(concatBytes(new TextEncoder().encode('passkey-harness rsa keygen'), seed));
  const random = (length: number) => drbg.generate(length);
  const e = 65537n;
  const half = modulusBits / 2;
  for (;;) {
    let p = generatePrime(half, e, random, isPrime);
    let q = generatePrime(half, e, random, isPrime);
    if (p === q) continue;
    if (p < q) [p, q] = [q, p];
    const n = p * q;
    const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
    const d = modInverse(e, lambda);
    return { n, e, d, p, q, dp: d % (p - 1n), dq: d % (q - 1n), qi: modInverse(q, p) };
  }
}
