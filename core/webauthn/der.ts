import { HarnessError } from '../errors.js';

/**
 * Just enough DER for the fixed key containers WebAuthn needs (SPKI, PKCS#8, ECDSA
 * signatures). Certificates go through @peculiar/x509, never through here.
 */
export function derLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function derTlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = concatBytes(...parts);
  return concatBytes(Uint8Array.of(tag), derLength(body.length), body);
}

/** A non-negative INTEGER from big-endian magnitude bytes. */
export function derUnsignedInteger(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  const body = trimmed[0]! & 0x80 ? concatBytes(Uint8Array.of(0), trimmed) : trimmed;
  return derTlv(0x02, body);
}

export interface DerNode {
  tag: number;
  /** Content bytes. */
  value: Uint8Array;
  /** Offset just past this node in the input. */
  end: number;
}

/** Reads one TLV at `offset`; rejects indefinite or overlong lengths. */
export function derRead(bytes: Uint8Array, offset = 0, what = 'DER'): DerNode {
  const fail = (): never => {
    throw new HarnessError('INVALID_INPUT', `${what} is not valid DER`);
  };
  if (offset + 2 > bytes.length) fail();
  const tag = bytes[offset]!;
  let length = bytes[offset + 1]!;
  let pos = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 3 || pos + count > bytes.length) fail();
    length = 0;
    for (let i = 0; i < count; i++) length = (length << 8) | bytes[pos++]!;
  }
  if (pos + length > bytes.length) fail();
  return { tag, value: bytes.subarray(pos, pos + length), end: pos + length };
}

/** Children of a constructed node. */
export function derChildren(node: DerNode, what = 'DER'): DerNode[] {
  const out: DerNode[] = [];
  let offset = 0;
  while (offset < node.value.length) {
    const child = derRead(node.value, offset, what);
    out.push(child);
    offset = child.end;
  }
  return out;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}
