import { HarnessError } from '../errors.js';
import { concatBytes } from './bytes.js';

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
