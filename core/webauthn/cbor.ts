import { Encoder } from 'cbor-x';
import { HarnessError } from '../errors.js';

/**
 * The one CBOR module. Encoding goes through cbor-x with the options WebAuthn needs (maps as
 * maps, no tags 259/64, shortest heads); decoding of untrusted bytes is our own strict reader,
 * because verifiers must not accept what a canonical CTAP2 encoder could never have produced.
 */
export type CborValue =
  | number
  | bigint
  | string
  | boolean
  | null
  | undefined
  | Uint8Array
  | CborValue[]
  | Map<CborKey, CborValue>;
export type CborKey = number | string;

export interface CborLimits {
  /** Largest input accepted (bytes). */
  maxBytes?: number;
  /** Deepest container nesting accepted (a top-level map is depth 1). */
  maxDepth?: number;
}

// `useTag259ForMaps` is honoured by cbor-x at runtime but missing from its typings.
const encoderOptions = {
  useRecords: false,
  mapsAsObjects: false,
  useTag259ForMaps: false,
  tagUint8Array: false,
  variableMapSize: true,
};
const encoder = new Encoder(encoderOptions as ConstructorParameters<typeof Encoder>[0]);

/** CTAP2 canonical form §8: keys sorted by encoded length, then bytewise. */
function canonicalize(value: unknown): unknown {
  if (value instanceof Uint8Array) return value.constructor === Uint8Array ? value : new Uint8Array(value);
  if (Array.isArray(value)) return value.map(canonicalize);
  if (value instanceof Map) {
    const entries = [...value.entries()].map(([k, v]) => ({ key: k, encoded: encodeRaw(k), value: canonicalize(v) }));
    entries.sort((a, b) => compareBytes(a.encoded, b.encoded));
    return new Map(entries.map((e) => [e.key, e.value]));
  }
  return value;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function encodeRaw(value: unknown): Uint8Array {
  const out = encoder.encode(value);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Encodes maps (as `Map`), arrays, byte strings, text and integers in CTAP2 canonical form. */
export function encodeCbor(value: unknown): Uint8Array {
  return Uint8Array.from(encodeRaw(canonicalize(value)));
}

// ignoreBOM keeps a leading U+FEFF in the text: dropping it silently would read "\uFEFFnone" as "none", a parser
// differential with decoders that keep it (python-fido2, Go).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

class Reader {
  pos = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly maxDepth: number,
  ) {}

  fail(code: 'CBOR_MALFORMED' | 'CBOR_TOO_DEEP' | 'CBOR_TAG_FORBIDDEN' | 'CBOR_INDEFINITE_LENGTH' | 'CBOR_NON_CANONICAL' | 'CBOR_DUPLICATE_KEY', message: string): never {
    throw new HarnessError(code, `CBOR: ${message} at byte ${this.pos}`, { details: { offset: this.pos } });
  }

  byte(): number {
    if (this.pos >= this.bytes.length) this.fail('CBOR_MALFORMED', 'unexpected end of input');
    return this.bytes[this.pos++]!;
  }

  /** Reads the argument of a head, enforcing the shortest encoding (RFC 8949 §4.2.1). */
  argument(info: number): number | bigint {
    if (info < 24) return info;
    if (info === 31) this.fail('CBOR_INDEFINITE_LENGTH', 'indefinite length');
    if (info > 27) this.fail('CBOR_MALFORMED', `reserved additional info ${info}`);
    const size = 1 << (info - 24);
    if (this.pos + size > this.bytes.length) this.fail('CBOR_MALFORMED', 'unexpected end of input');
    let value = 0n;
    for (let i = 0; i < size; i++) value = (value << 8n) | BigInt(this.bytes[this.pos++]!);
    const min = size === 1 ? 24n : 1n << BigInt((size / 2) * 8);
    if (value < min) this.fail('CBOR_NON_CANONICAL', 'integer or length not in shortest form');
    return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }

  length(info: number, what: string, unit: number): number {
    const n = this.argument(info);
    const remaining = this.bytes.length - this.pos;
    if (typeof n === 'bigint' || n * unit > remaining) this.fail('CBOR_MALFORMED', `${what} longer than the remaining input`);
    return n;
  }

  item(depth: number): CborValue {
    const head = this.byte();
    const major = head >> 5;
    const info = head & 0x1f;
    switch (major) {
      case 0:
        return this.argument(info);
      case 1: {
        const n = this.argument(info);
        return typeof n === 'bigint' ? -1n - n : -1 - n;
      }
      case 2: {
        const n = this.length(info, 'byte string', 1);
        const out = this.bytes.slice(this.pos, this.pos + n);
        this.pos += n;
        return out;
      }
      case 3: {
        const n = this.length(info, 'text string', 1);
        const raw = this.bytes.subarray(this.pos, this.pos + n);
        let text: string;
        try {
          text = utf8.decode(raw);
        } catch {
          this.fail('CBOR_MALFORMED', 'text string is not valid UTF-8');
        }
        this.pos += n;
        return text;
      }
      case 4: {
        if (depth + 1 > this.maxDepth) this.fail('CBOR_TOO_DEEP', `nesting deeper than ${this.maxDepth}`);
        const n = this.length(info, 'array', 1);
        const out: CborValue[] = [];
        for (let i = 0; i < n; i++) out.push(this.item(depth + 1));
        return out;
      }
      case 5: {
        if (depth + 1 > this.maxDepth) this.fail('CBOR_TOO_DEEP', `nesting deeper than ${this.maxDepth}`);
        const n = this.length(info, 'map', 2);
        const out = new Map<CborKey, CborValue>();
        for (let i = 0; i < n; i++) {
          const start = this.pos;
          const key = this.item(depth + 1);
          // Floats are refused above, so a number here was encoded as an integer (major type 0 or 1).
          if (typeof key !== 'number' && typeof key !== 'string') {
            this.pos = start;
            this.fail('CBOR_MALFORMED', 'map keys must be integers or text strings');
          }
          if (out.has(key)) {
            this.pos = start;
            this.fail('CBOR_DUPLICATE_KEY', `duplicate map key ${JSON.stringify(key)}`);
          }
          // Key order is not enforced: real authenticators emit unsorted maps that verifiers accept.
          out.set(key, this.item(depth + 1));
        }
        return out;
      }
      case 6:
        this.pos--;
        this.fail('CBOR_TAG_FORBIDDEN', `tag ${info < 24 ? info : '(extended)'} is not allowed`);
      default: {
        if (info === 20) return false;
        if (info === 21) return true;
        if (info === 22) return null;
        if (info === 23) return undefined;
        if (info === 25 || info === 26 || info === 27) {
          // No WebAuthn/CTAP2 structure holds a float, and 2.0 would pass for the integer 2 (a COSE kty, alg or crv).
          this.pos--;
          this.fail('CBOR_MALFORMED', `floating-point number (${info === 25 ? 'half' : info === 26 ? 'single' : 'double'} precision) is not allowed`);
        }
        if (info === 31) {
          this.pos--;
          this.fail('CBOR_MALFORMED', 'unexpected break');
        }
        this.pos--;
        this.fail('CBOR_MALFORMED', `unsupported simple value ${info}`);
      }
    }
  }
}

function start(bytes: Uint8Array, limits: CborLimits | undefined): Reader {
  if (!(bytes instanceof Uint8Array)) throw new HarnessError('CBOR_MALFORMED', 'CBOR input must be bytes');
  const maxBytes = limits?.maxBytes ?? 65536;
  if (bytes.length > maxBytes) throw new HarnessError('CBOR_TOO_LARGE', `CBOR input of ${bytes.length} bytes exceeds ${maxBytes}`);
  if (bytes.length === 0) throw new HarnessError('CBOR_MALFORMED', 'CBOR input is empty');
  return new Reader(bytes, limits?.maxDepth ?? 5);
}

/**
 * Decodes exactly one CBOR item from untrusted bytes. Rejects (each with its CBOR_* code):
 * input over 64 KiB, nesting over 5, any tag, indefinite lengths, non-shortest heads, floats,
 * map keys other than integers and text, duplicate map keys, and trailing bytes. Maps decode as
 * `Map`, byte strings as `Uint8Array`.
 */
export function decodeCbor(bytes: Uint8Array, limits?: CborLimits): CborValue {
  const reader = start(bytes, limits);
  const value = reader.item(0);
  if (reader.pos !== bytes.length) {
    throw new HarnessError('CBOR_TRAILING_BYTES', `CBOR: ${bytes.length - reader.pos} trailing bytes after the item`, {
      details: { offset: reader.pos },
    });
  }
  return value;
}

/** Decodes the first CBOR item and reports how many bytes it used (authData embeds COSE keys this way). */
export function decodeCborPrefix(bytes: Uint8Array, limits?: CborLimits): { value: CborValue; bytesRead: number } {
  const reader = start(bytes, limits);
  const value = reader.item(0);
  return { value, bytesRead: reader.pos };
}

/** Narrowing helper for decoded maps. */
export function isCborMap(value: unknown): value is Map<CborKey, CborValue> {
  return value instanceof Map;
}
