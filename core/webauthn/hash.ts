import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

type NodeCrypto = typeof import('node:crypto');

/** OpenSSL's SHA-256 where Node runs (a third of noble's time); undefined in a browser or the sandboxed renderer. */
const nodeCrypto = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;

/** SHA-256 with the same result everywhere: node:crypto under Node, noble in the renderer. A plain Uint8Array either way. */
export function sha256(bytes: Uint8Array): Uint8Array {
  // One-shot `hash` (Node ≥ 20.12) skips the Hash object; a copy, since small Buffers share Node's pool slab.
  return nodeCrypto ? new Uint8Array(nodeCrypto.hash('sha256', bytes, 'buffer')) : nobleSha256(bytes);
}
