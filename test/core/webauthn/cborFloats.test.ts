import { describe, expect, it } from 'vitest';
import { isHarnessError } from '../../../core/errors.js';
import { decodeAttestationObject, encodeAttestationObject } from '../../../core/webauthn/attestationObject.js';
import { buildAuthenticatorData, parseAuthenticatorData } from '../../../core/webauthn/authData.js';
import { fromBase64url, toBase64url } from '../../../core/webauthn/base64url.js';
import { concatBytes, hexToBytes } from '../../../core/webauthn/bytes.js';
import { decodeCbor, encodeCbor, type CborKey, type CborValue } from '../../../core/webauthn/cbor.js';
import { decodeCoseKey } from '../../../core/webauthn/cose.js';
import type { RegistrationResponseJSON } from '../../../core/webauthn/types.js';
import { codeOf, loginAndStepUp, phone, seedCustomer, setup } from '../rp/support.js';

// WebAuthn/CTAP2 structures never hold floats, and a float 2.0 or -7.0 would pass for the integer
// kty 2 or alg -7. @simplewebauthn/server refuses them ("Float16 data is unsupported"); so must we.

function refusal(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isHarnessError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  return { code: 'NO_ERROR', message: '' };
}

/** The same number as half, single and double precision (RFC 8949 §3.3, major type 7, info 25/26/27). */
const FLOAT = {
  '1.0': { f16: 'f93c00', f32: 'fa3f800000', f64: 'fb3ff0000000000000' },
  '2.0': { f16: 'f94000', f32: 'fa40000000', f64: 'fb4000000000000000' },
  '3.0': { f16: 'f94200', f32: 'fa40400000', f64: 'fb4008000000000000' },
  '-1.0': { f16: 'f9bc00', f32: 'fabf800000', f64: 'fbbff0000000000000' },
  '-7.0': { f16: 'f9c700', f32: 'fac0e00000', f64: 'fbc01c000000000000' },
} as const;
const WIDTHS = ['f16', 'f32', 'f64'] as const;

/** Hand-encodes a map so chosen labels or values can carry an encoding encodeCbor never emits. */
function rawMap(entries: Array<[CborKey, CborValue]>, raw: { labels?: Map<CborKey, string>; values?: Map<CborKey, string> } = {}): Uint8Array {
  if (entries.length > 23) throw new Error('rawMap: short heads only');
  const parts = entries.flatMap(([label, value]) => [
    raw.labels?.has(label) ? hexToBytes(raw.labels.get(label)!) : encodeCbor(label),
    raw.values?.has(label) ? hexToBytes(raw.values.get(label)!) : encodeCbor(value),
  ]);
  return concatBytes(Uint8Array.of(0xa0 + entries.length), ...parts);
}

describe('decodeCbor refuses floating-point numbers (CBOR_MALFORMED)', () => {
  for (const width of WIDTHS) {
    it(`rejects a ${width} map key (1.0 where the integer label 1 belongs)`, () => {
      const r = refusal(() => decodeCbor(hexToBytes(`a1${FLOAT['1.0'][width]}02`)));
      expect(r.code).toBe('CBOR_MALFORMED');
      expect(r.message).toMatch(/floating-point/);
    });
    it(`rejects a ${width} map value`, () => expect(refusal(() => decodeCbor(hexToBytes(`a101${FLOAT['2.0'][width]}`))).code).toBe('CBOR_MALFORMED'));
    it(`rejects a ${width} at top level and inside an array`, () => {
      expect(refusal(() => decodeCbor(hexToBytes(FLOAT['2.0'][width]))).code).toBe('CBOR_MALFORMED');
      expect(refusal(() => decodeCbor(hexToBytes(`8201${FLOAT['2.0'][width]}`))).code).toBe('CBOR_MALFORMED');
    });
  }
  it('rejects NaN and infinity as half floats', () => {
    expect(refusal(() => decodeCbor(hexToBytes('f97e00'))).code).toBe('CBOR_MALFORMED');
    expect(refusal(() => decodeCbor(hexToBytes('f97c00'))).code).toBe('CBOR_MALFORMED');
  });
  it('reports the offset of the float head', () => {
    expect(refusal(() => decodeCbor(hexToBytes('a20102f94200'))).message).toMatch(/at byte 3$/);
  });
  it('still decodes true, false, null and undefined', () => {
    expect(decodeCbor(hexToBytes('84f5f4f6f7'))).toEqual([true, false, null, undefined]);
    expect(decodeCbor(hexToBytes('a201f502f6'))).toEqual(new Map<CborKey, CborValue>([[1, true], [2, null]]));
  });
  it('rejects simple values and integers beyond 2^53 as map keys (only integers and text)', () => {
    expect(refusal(() => decodeCbor(hexToBytes('a1f501'))).message).toMatch(/map keys must be integers or text strings/);
    expect(refusal(() => decodeCbor(hexToBytes('a1f601'))).code).toBe('CBOR_MALFORMED');
    expect(refusal(() => decodeCbor(hexToBytes('a11bffffffffffffffff01'))).code).toBe('CBOR_MALFORMED');
  });
});

describe('COSE keys with float labels or values (RFC 9052 §7: labels are int / tstr)', () => {
  const x = new Uint8Array(32).fill(1);
  const y = new Uint8Array(32).fill(2);
  const ec2: Array<[CborKey, CborValue]> = [[1, 2], [3, -7], [-1, 1], [-2, x], [-3, y]];
  const cases: Array<[string, Parameters<typeof rawMap>[1]]> = WIDTHS.flatMap((w) => [
    [`${w} labels 1.0 and 3.0`, { labels: new Map<CborKey, string>([[1, FLOAT['1.0'][w]], [3, FLOAT['3.0'][w]]]) }],
    [`${w} label -1.0 (crv)`, { labels: new Map<CborKey, string>([[-1, FLOAT['-1.0'][w]]]) }],
    [`${w} kty 2.0`, { values: new Map<CborKey, string>([[1, FLOAT['2.0'][w]]]) }],
    [`${w} alg -7.0`, { values: new Map<CborKey, string>([[3, FLOAT['-7.0'][w]]]) }],
    [`${w} crv 1.0`, { values: new Map<CborKey, string>([[-1, FLOAT['1.0'][w]]]) }],
  ]);
  for (const [name, raw] of cases) {
    it(`decodeCoseKey rejects ${name}`, () => expect(refusal(() => decodeCoseKey(rawMap(ec2, raw))).code).toBe('CBOR_MALFORMED'));
  }
  it('control: the same hand encoding with integer labels decodes to a key map', () => {
    expect(decodeCbor(rawMap(ec2))).toEqual(new Map(ec2));
  });
});

describe('floats elsewhere in a registration', () => {
  const authData = buildAuthenticatorData({ rpIdHash: new Uint8Array(32), flags: { up: true }, signCount: 0 });
  const attestationWith = (attStmt: Uint8Array) =>
    concatBytes(hexToBytes('a3'), encodeCbor('fmt'), encodeCbor('packed'), encodeCbor('attStmt'), attStmt, encodeCbor('authData'), encodeCbor(authData));

  it('rejects a packed attStmt whose alg is -7.0 (WebAuthn §8.2)', () => {
    const attStmt = rawMap([['alg', -7], ['sig', new Uint8Array(8)]], { values: new Map<CborKey, string>([['alg', FLOAT['-7.0'].f16]]) });
    expect(refusal(() => decodeAttestationObject(attestationWith(attStmt))).code).toBe('CBOR_MALFORMED');
  });
  it('rejects a float nested inside an attStmt array', () => {
    const attStmt = concatBytes(hexToBytes('a1'), encodeCbor('x5c'), hexToBytes('82'), encodeCbor(new Uint8Array(4)), hexToBytes(FLOAT['1.0'].f64));
    expect(refusal(() => decodeAttestationObject(attestationWith(attStmt))).code).toBe('CBOR_MALFORMED');
  });
  it('rejects a float in the authenticator data extensions (credProtect 2.0)', () => {
    const extensions = rawMap([['credProtect', 2]], { values: new Map<CborKey, string>([['credProtect', FLOAT['2.0'].f32]]) });
    const bytes = buildAuthenticatorData({ rpIdHash: new Uint8Array(32), flags: { up: true }, signCount: 0, extensions });
    expect(refusal(() => parseAuthenticatorData(bytes)).code).toBe('CBOR_MALFORMED');
  });
});

describe('finishRegistration refuses a fmt none credential key with float labels or values', () => {
  /** Swaps the attested credential key for a hand encoding of the same entries (no signature covers it in fmt none). */
  function withRawKey(r: RegistrationResponseJSON, raw: Parameters<typeof rawMap>[1]): RegistrationResponseJSON {
    const att = decodeAttestationObject(fromBase64url(r.response.attestationObject));
    const auth = parseAuthenticatorData(att.authData);
    const key = decodeCbor(auth.attestedCredentialData!.credentialPublicKey) as Map<CborKey, CborValue>;
    const credentialPublicKey = rawMap([...key], raw);
    const authData = buildAuthenticatorData({ rpIdHash: auth.rpIdHash, flags: auth.flags, signCount: auth.signCount, attestedCredentialData: { ...auth.attestedCredentialData!, credentialPublicKey } });
    return { ...r, response: { ...r.response, attestationObject: toBase64url(encodeAttestationObject({ ...att, authData })) } };
  }

  async function register(raw: Parameters<typeof rawMap>[1]) {
    const env = setup();
    seedCustomer(env);
    const sessionId = await loginAndStepUp(env);
    const { ceremonyId, options } = await env.rp.startRegistration({ sessionId });
    const response = await phone(env).client.create(options);
    const code = await codeOf(env.rp.finishRegistration({ sessionId, ceremonyId, response: withRawKey(response, raw) }));
    const stored = env.store.passkeys.listForAccount(1, { includeRevoked: true }).length;
    env.store.close();
    return { code, stored };
  }

  it('control: the hand-encoded key with integer labels registers (the tamper itself is harmless)', async () => {
    expect(await register({})).toEqual({ code: 'NO_ERROR', stored: 1 });
  });

  const cases: Array<[string, Parameters<typeof rawMap>[1]]> = [
    ['{1.0: 2, 3.0: -7, …} as float16 (the reported response)', { labels: new Map<CborKey, string>([[1, FLOAT['1.0'].f16], [3, FLOAT['3.0'].f16]]) }],
    ['labels 1.0 and 3.0 as float32', { labels: new Map<CborKey, string>([[1, FLOAT['1.0'].f32], [3, FLOAT['3.0'].f32]]) }],
    ['labels 1.0 and 3.0 as float64', { labels: new Map<CborKey, string>([[1, FLOAT['1.0'].f64], [3, FLOAT['3.0'].f64]]) }],
    ...WIDTHS.map((w): [string, Parameters<typeof rawMap>[1]] => [`alg -7.0 as ${w}`, { values: new Map<CborKey, string>([[3, FLOAT['-7.0'][w]]]) }]),
    ['kty 2.0 as float16', { values: new Map<CborKey, string>([[1, FLOAT['2.0'].f16]]) }],
    ['crv 1.0 as float16', { values: new Map<CborKey, string>([[-1, FLOAT['1.0'].f16]]) }],
  ];
  for (const [name, raw] of cases) {
    it(`rejects ${name} → CBOR_MALFORMED, nothing stored`, async () => {
      expect(await register(raw)).toEqual({ code: 'CBOR_MALFORMED', stored: 0 });
    });
  }
});
