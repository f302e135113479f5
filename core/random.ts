import { sha256 } from '@noble/hashes/sha2.js';

/** Source of random bytes; seeded for deterministic replay. */
export interface Random {
  bytes(length: number): Uint8Array;
}

const POOL_SIZE = 4096;
let pool = new Uint8Array(0);

/**
 * The OS CSPRNG, drawn 4 KiB at a time: every token, challenge and ID otherwise pays one
 * getRandomValues call (≈ 0.23 ms per enrol+login in the profile). Each byte is handed out once.
 */
export const systemRandom: Random = {
  bytes: (length) => {
    const out = new Uint8Array(length);
    if (length > POOL_SIZE / 4) {
      globalThis.crypto.getRandomValues(out);
      return out;
    }
    if (pool.length < length) pool = globalThis.crypto.getRandomValues(new Uint8Array(POOL_SIZE));
    out.set(pool.subarray(0, length));
    pool = pool.subarray(length);
    return out;
  },
};

/**
 * Deterministic byte stream: SHA-256 in counter mode over the seed.
 * Not for secrets in production; for reproducible test runs it is exactly what we want.
 */
export function seededRandom(seed: string | Uint8Array): Random {
  const seedBytes = typeof seed === 'string' ? new TextEncoder().encode(seed) : seed;
  let counter = 0;
  let pool = new Uint8Array(0);
  return {
    bytes(length) {
      const out = new Uint8Array(length);
      let filled = 0;
      while (filled < length) {
        if (pool.length === 0) {
          const block = new Uint8Array(seedBytes.length + 8);
          block.set(seedBytes);
          new DataView(block.buffer).setBigUint64(seedBytes.length, BigInt(counter++));
          pool = sha256(block);
        }
        const take = Math.min(pool.length, length - filled);
        out.set(pool.subarray(0, take), filled);
        pool = pool.subarray(take);
        filled += take;
      }
      return out;
    },
  };
}
