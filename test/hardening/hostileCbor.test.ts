import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAttestationObject, encodeAttestationObject } from '../../core/webauthn/attestationObject.js';
import { fromBase64url, toBase64url } from '../../core/webauthn/base64url.js';
import { isTypedClientError, startFuzzEnv, type FuzzEnv } from './support.js';

/**
 * Issue 6: hostile CBOR inside attestationObject (and inside the COSE key embedded in authData),
 * sent over real HTTP. Every one must end in a typed 400 (413 for a body over the size limit),
 * the process must keep serving, and Object.prototype must be untouched (`__proto__` keys).
 */
let env: FuzzEnv;
let protoBefore: string[];
beforeAll(async () => {
  protoBefore = Object.getOwnPropertyNames(Object.prototype).sort();
  env = await startFuzzEnv();
});
afterAll(async () => {
  await env?.close();
});

const enc = new TextEncoder();
function head(major: number, n: number | bigint): number[] {
  const v = BigInt(n);
  const m = major << 5;
  if (v < 24n) return [m | Number(v)];
  if (v < 0x100n) return [m | 24, Number(v)];
  if (v < 0x10000n) return [m | 25, Number(v >> 8n), Number(v & 0xffn)];
  if (v < 0x100000000n) return [m | 26, ...[24n, 16n, 8n, 0n].map((s) => Number((v >> s) & 0xffn))];
  return [m | 27, ...[56n, 48n, 40n, 32n, 24n, 16n, 8n, 0n].map((s) => Number((v >> s) & 0xffn))];
}
const text = (s: string) => [...head(3, enc.encode(s).length), ...enc.encode(s)];
const bytes = (b: Uint8Array) => [...head(2, b.length), ...b];
const map = (entries: number[][]) => [...head(5, entries.length / 2), ...entries.flat()];

const base = () => decodeAttestationObject(fromBase64url(env.registrations[0]!.response.response.attestationObject));
/** A well-formed attestationObject with one entry swapped or added, encoded by hand (so it can be non-canonical). */
function attestation(opts: { fmt?: number[]; attStmt?: number[]; authData?: number[]; extra?: number[][] } = {}): Uint8Array {
  const b = base();
  const entries = [text('fmt'), opts.fmt ?? text('none'), text('attStmt'), opts.attStmt ?? map([]), text('authData'), opts.authData ?? bytes(b.authData), ...(opts.extra ?? [])];
  return Uint8Array.from(map(entries));
}

/** authData with its COSE key (the tail after the credential ID) replaced. */
function authDataWithKey(cose: number[]): number[] {
  const b = base().authData;
  const credIdLen = (b[53]! << 8) | b[54]!;
  return bytes(Uint8Array.from([...b.subarray(0, 55 + credIdLen), ...cose]));
}
const validCose = () => {
  const b = base().authData;
  const credIdLen = (b[53]! << 8) | b[54]!;
  return [...b.subarray(55 + credIdLen)];
};

const CASES: Array<[string, () => Uint8Array]> = [
  ['deep nesting: 2,000 nested arrays', () => Uint8Array.from([...new Array(2000).fill(0x81), 0x00])],
  ['deep nesting: 500 nested maps as attStmt', () => attestation({ attStmt: [...new Array(500).fill([0xa1, 0x00]).flat(), 0x00] })],
  ['huge declared length: text string of 2^64-1 bytes', () => Uint8Array.from([0xa1, ...head(3, 0xffffffffffffffffn)])],
  ['huge declared length: byte string of 2^32 bytes as authData', () => attestation({ authData: head(2, 0x100000000n) })],
  ['huge declared length: array of 2^63 items', () => Uint8Array.from([0xa1, ...text('fmt'), ...head(4, 0x8000000000000000n)])],
  ['huge declared length: map of 2^32-1 entries', () => Uint8Array.from(head(5, 0xffffffffn))],
  ['indefinite-length map', () => Uint8Array.from([0xbf, ...text('fmt'), ...text('none'), 0xff])],
  ['indefinite-length byte string as authData', () => attestation({ authData: [0x5f, ...bytes(base().authData), 0xff] })],
  ['indefinite-length array in attStmt', () => attestation({ attStmt: map([text('x5c'), [0x9f, 0x40, 0xff]]) })],
  ['break code without an indefinite item', () => Uint8Array.from([0xff])],
  ['duplicate key: fmt twice', () => attestation({ extra: [text('fmt'), text('packed')] })],
  ['duplicate key in attStmt', () => attestation({ attStmt: map([text('alg'), [0x26], text('alg'), [0x26]]) })],
  ['tag 259 (map) around the whole object', () => Uint8Array.from([0xd9, 0x01, 0x03, ...attestation()])],
  ['tag 64 (typed array) on authData', () => attestation({ authData: [0xd8, 0x40, ...bytes(base().authData)] })],
  ['tag 2 (bignum) in attStmt', () => attestation({ attStmt: map([text('alg'), [0xc2, 0x41, 0x01]]) })],
  ['__proto__ key at top level', () => attestation({ extra: [text('__proto__'), map([text('polluted'), [0xf5]])] })],
  ['__proto__ key in attStmt', () => attestation({ attStmt: map([text('__proto__'), map([text('polluted'), [0xf5]])]) })],
  ['constructor.prototype keys in attStmt', () => attestation({ attStmt: map([text('constructor'), map([text('prototype'), map([text('polluted'), [0xf5]])])]) })],
  ['trailing byte after the object', () => Uint8Array.from([...attestation(), 0x00])],
  ['trailing second object', () => Uint8Array.from([...attestation(), ...attestation()])],
  ['non-shortest head (canonical form)', () => Uint8Array.from([0xb8, 0x03, ...attestation().subarray(1)])],
  ['float where a text key is expected', () => Uint8Array.from([0xa1, 0xfb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0, 0x00])],
  ['undefined simple values', () => Uint8Array.from([0xa1, 0xf7, 0xf7])],
  ['reserved additional info 28', () => Uint8Array.from([0x1c])],
  ['COSE key: __proto__ key', () => attestation({ authData: authDataWithKey(map([text('__proto__'), map([text('polluted'), [0xf5]])])) })],
  ['COSE key: duplicate kty', () => attestation({ authData: authDataWithKey([0xa2, 0x01, 0x02, 0x01, 0x02]) })],
  ['COSE key: 300 nested arrays', () => attestation({ authData: authDataWithKey([0xa1, 0x01, ...new Array(300).fill(0x81), 0x00]) })],
  ['COSE key: indefinite map', () => attestation({ authData: authDataWithKey([0xbf, 0x01, 0x02, 0xff]) })],
  ['COSE key: tagged', () => attestation({ authData: authDataWithKey([0xd9, 0x01, 0x03, ...validCose()]) })],
  ['COSE key: huge declared x coordinate', () => attestation({ authData: authDataWithKey([0xa1, 0x21, ...head(2, 0xffffffffn)]) })],
  ['COSE key: trailing bytes after it', () => attestation({ authData: authDataWithKey([...validCose(), 0x00]) })],
];

describe('hostile CBOR over HTTP', () => {
  it.each(CASES)('%s → typed 400', async (_name, build) => {
    const cbor = build();
    const response = structuredClone(env.registrations[0]!.response);
    response.response.attestationObject = toBase64url(cbor);
    const reply = await env.agent.post('/api/passkeys/registration/verify', { ceremonyId: env.newRegistrationCeremony(0), response });
    expect(isTypedClientError(reply.status, reply.body), JSON.stringify(reply.body)).toBe(true);
    expect(reply.status).toBe(400);
    expect(reply.body.message).not.toMatch(/\n\s+at /);
  });

  it('an attestationObject larger than the policy limit is refused before parsing (typed 4xx)', async () => {
    const response = structuredClone(env.registrations[0]!.response);
    response.response.attestationObject = toBase64url(attestation({ attStmt: map([text('pad'), bytes(new Uint8Array(20_000))]) }));
    const reply = await env.agent.post('/api/passkeys/registration/verify', { ceremonyId: env.newRegistrationCeremony(0), response });
    expect(isTypedClientError(reply.status, reply.body)).toBe(true);
    expect([400, 413]).toContain(reply.status);
  });

  it('the process is unharmed: the valid response still registers over HTTP afterwards', async () => {
    const reply = await env.agent.post('/api/passkeys/registration/verify', { ceremonyId: env.newRegistrationCeremony(0), response: env.registrations[0]!.response });
    expect(reply.status).toBe(200);
    env.resetAfterSuccess();
  });

  it('no prototype pollution: Object.prototype has the same own properties and no "polluted"', () => {
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
    // Registration round-tripped through a hostile store row would show up in a fresh object too.
    expect(JSON.parse('{}').polluted).toBeUndefined();
  });
});

it('sanity: the hand encoder reproduces a decodable attestationObject', () => {
  expect(encodeAttestationObject(decodeAttestationObject(attestation())).length).toBeGreaterThan(37);
});
