import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

/** SHA-256 via noble, so hashing works the same in Node and in the renderer. */
export function sha256(bytes: Uint8Array): Uint8Array {
  return nobleSha256(bytes);
}
