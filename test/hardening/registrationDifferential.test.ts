import { verifyRegistrationResponse } from '@simplewebauthn/server';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAttestationObject, encodeAttestationObject } from '../../core/webauthn/attestationObject.js';
import { fromBase64url, toBase64url } from '../../core/webauthn/base64url.js';
import { decodeCbor, encodeCbor, type CborKey, type CborValue } from '../../core/webauthn/cbor.js';
import type { RegistrationResponseJSON } from '../../core/webauthn/index.js';
import { junkValue, REGISTRATION_FIELDS, applyMutation, responseMutation, type ResponseMutation } from './mutations.js';
import { classify, fuzzSeed, startFuzzEnv, type FuzzEnv } from './support.js';

/**
 * finishRegistration verifies fmt "none" itself instead of calling verifyRegistrationResponse (the
 * library's thread-pool hashing was most of its cost). The claim that makes that safe: our checks
 * refuse everything the library refuses. Here both judge the same responses — a valid none
 * registration damaged at random, and edits chosen to reach each library check (tokenBinding,
 * attStmt, flags, alg, fmt, rpIdHash, credential ID) — and ours may never accept one the library
 * refuses. Ours may refuse more (strict CBOR, flag consistency); those are counted, not failed.
 */
const SEED = fuzzSeed() + 7;
const RUNS = 1500;

let env: FuzzEnv;
beforeAll(async () => {
  env = await startFuzzEnv();
});
afterAll(async () => {
  await env?.close();
});

type Edit = (r: RegistrationResponseJSON) => RegistrationResponseJSON;

function clientData(r: RegistrationResponseJSON): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(fromBase64url(r.response.clientDataJSON))) as Record<string, unknown>;
}

function withClientData(r: RegistrationResponseJSON, edit: (c: Record<string, unknown>) => void): RegistrationResponseJSON {
  const copy = structuredClone(r);
  const parsed = clientData(copy);
  edit(parsed);
  copy.response.clientDataJSON = toBase64url(new TextEncoder().encode(JSON.stringify(parsed)));
  return copy;
}

/** Re-encodes the attestation object after `edit` changed its fmt, attStmt or authData bytes. */
function withAttestation(r: RegistrationResponseJSON, edit: (a: { fmt: string; attStmt: Map<CborKey, CborValue>; authData: Uint8Array }) => void): RegistrationResponseJSON {
  const copy = structuredClone(r);
  const a = decodeAttestationObject(fromBase64url(copy.response.attestationObject));
  const editable = { fmt: a.fmt, attStmt: a.attStmt, authData: a.authData.slice() };
  edit(editable);
  copy.response.attestationObject = toBase64url(encodeAttestationObject(editable));
  return copy;
}

/** authData = rpIdHash(32) flags(1) counter(4) aaguid(16) idLength(2) id key [extensions]. */
const ID_LENGTH_AT = 53;
function credentialKeyRange(authData: Uint8Array): { start: number; end: number } {
  const idLength = (authData[ID_LENGTH_AT]! << 8) | authData[ID_LENGTH_AT + 1]!;
  const start = ID_LENGTH_AT + 2 + idLength;
  return { start, end: authData.length };
}

function withCoseKey(r: RegistrationResponseJSON, edit: (key: Map<CborKey, CborValue>) => void): RegistrationResponseJSON {
  return withAttestation(r, (a) => {
    const { start } = credentialKeyRange(a.authData);
    const key = decodeCbor(a.authData.subarray(start)) as Map<CborKey, CborValue>;
    edit(key);
    const encoded = encodeCbor(key);
    const out = new Uint8Array(start + encoded.length);
    out.set(a.authData.subarray(0, start));
    out.set(encoded, start);
    a.authData = out;
  });
}

/** Re-encodes the credential key by hand so chosen labels or values carry a float head (hex) encodeCbor never emits. */
function withFloatCoseKey(r: RegistrationResponseJSON, floats: { labels?: Record<number, string>; values?: Record<number, string> }): RegistrationResponseJSON {
  return withAttestation(r, (a) => {
    const { start } = credentialKeyRange(a.authData);
    const key = decodeCbor(a.authData.subarray(start)) as Map<CborKey, CborValue>;
    const hex = (h: string) => Uint8Array.from(h.match(/../g)!, (b) => parseInt(b, 16));
    const parts = [...key].flatMap(([label, value]) => [
      floats.labels?.[label as number] ? hex(floats.labels[label as number]!) : encodeCbor(label),
      floats.values?.[label as number] ? hex(floats.values[label as number]!) : encodeCbor(value),
    ]);
    const encoded = Uint8Array.from([0xa0 + key.size, ...parts.flatMap((p) => [...p])]);
    a.authData = Uint8Array.from([...a.authData.subarray(0, start), ...encoded]);
  });
}

const TARGETED: Record<string, Edit> = {
  'tokenBinding present': (r) => withClientData(r, (c) => (c.tokenBinding = { status: 'present', id: 'abc' })),
  'tokenBinding not-supported (L1 name)': (r) => withClientData(r, (c) => (c.tokenBinding = { status: 'not-supported' })),
  'tokenBinding notSupported (L2 name)': (r) => withClientData(r, (c) => (c.tokenBinding = { status: 'notSupported' })),
  'tokenBinding unknown status': (r) => withClientData(r, (c) => (c.tokenBinding = { status: 'bogus' })),
  'tokenBinding a string': (r) => withClientData(r, (c) => (c.tokenBinding = 'present')),
  'tokenBinding an array': (r) => withClientData(r, (c) => (c.tokenBinding = ['present'])),
  'tokenBinding false': (r) => withClientData(r, (c) => (c.tokenBinding = false)),
  'extra clientData member': (r) => withClientData(r, (c) => (c.other_keys_can_be_added_here = 'do not compare clientDataJSON against a template')),
  'type webauthn.get': (r) => withClientData(r, (c) => (c.type = 'webauthn.get')),
  'other challenge': (r) => withClientData(r, (c) => (c.challenge = 'AAAAAAAAAAAAAAAAAAAAAA')),
  'other origin': (r) => withClientData(r, (c) => (c.origin = 'https://evil.example')),
  'attStmt not empty': (r) => withAttestation(r, (a) => a.attStmt.set('sig', new Uint8Array(8))),
  'fmt packed without a statement': (r) => withAttestation(r, (a) => (a.fmt = 'packed')),
  'fmt unknown': (r) => withAttestation(r, (a) => (a.fmt = 'made-up')),
  'UP cleared': (r) => withAttestation(r, (a) => (a.authData[32] = a.authData[32]! & ~0x01)),
  'UV cleared': (r) => withAttestation(r, (a) => (a.authData[32] = a.authData[32]! & ~0x04)),
  'AT cleared': (r) => withAttestation(r, (a) => (a.authData[32] = a.authData[32]! & ~0x40)),
  'BS without BE': (r) => withAttestation(r, (a) => (a.authData[32] = (a.authData[32]! & ~0x08) | 0x10)),
  'rpIdHash flipped': (r) => withAttestation(r, (a) => (a.authData[0] = a.authData[0]! ^ 1)),
  'counter 7': (r) => withAttestation(r, (a) => (a.authData[36] = 7)),
  'aaguid zero': (r) => withAttestation(r, (a) => a.authData.fill(0, 37, 53)),
  'alg not offered (ES384)': (r) => withCoseKey(r, (k) => k.set(3, -35)),
  'alg a string': (r) => withCoseKey(r, (k) => k.set(3, 'ES256')),
  'alg missing': (r) => withCoseKey(r, (k) => k.delete(3)),
  'key x shortened': (r) => withCoseKey(r, (k) => k.set(-2, (k.get(-2) as Uint8Array).subarray(1))),
  // Floats pass for integers once decoded (1.0 === 1); the library refuses every float width.
  'COSE labels 1.0 and 3.0 as float16': (r) => withFloatCoseKey(r, { labels: { 1: 'f93c00', 3: 'f94200' } }),
  'COSE labels 1.0 and 3.0 as float32': (r) => withFloatCoseKey(r, { labels: { 1: 'fa3f800000', 3: 'fa40400000' } }),
  'COSE labels 1.0 and 3.0 as float64': (r) => withFloatCoseKey(r, { labels: { 1: 'fb3ff0000000000000', 3: 'fb4008000000000000' } }),
  'COSE alg -7.0 as float16': (r) => withFloatCoseKey(r, { values: { 3: 'f9c700' } }),
  'COSE alg -7.0 as float64': (r) => withFloatCoseKey(r, { values: { 3: 'fbc01c000000000000' } }),
  'COSE kty 2.0 as float32': (r) => withFloatCoseKey(r, { values: { 1: 'fa40000000' } }),
  'trailing byte after the key': (r) => withAttestation(r, (a) => (a.authData = Uint8Array.from([...a.authData, 0]))),
  'id and rawId not the credential': (r) => ({ ...structuredClone(r), id: 'AAAA', rawId: 'AAAA' }),
  'rawId differs from id': (r) => ({ ...structuredClone(r), rawId: 'AAAA' }),
  'type not public-key': (r) => ({ ...structuredClone(r), type: 'password' as never }),
  // A UTF-8 byte order mark: a decoder that drops it silently reads "none" where the library reads "\uFEFFnone".
  'fmt none after a BOM': (r) => withAttestation(r, (a) => (a.fmt = '\uFEFFnone')),
  'fmt key after a BOM': (r) => {
    const copy = structuredClone(r);
    const a = decodeAttestationObject(fromBase64url(copy.response.attestationObject));
    const map = new Map<CborKey, CborValue>([['\uFEFFfmt', a.fmt], ['attStmt', a.attStmt], ['authData', a.authData]]);
    copy.response.attestationObject = toBase64url(encodeCbor(map));
    return copy;
  },
  // JSON has no BOM (RFC 8259 §8.1: not added to network JSON); Python's and Go's parsers refuse one.
  'clientDataJSON after a BOM': (r) => {
    const copy = structuredClone(r);
    const bytes = fromBase64url(copy.response.clientDataJSON);
    copy.response.clientDataJSON = toBase64url(Uint8Array.from([0xef, 0xbb, 0xbf, ...bytes]));
    return copy;
  },
};

type Verdict = { ok: true } | { ok: false; why: string };

async function library(r: RegistrationResponseJSON): Promise<Verdict> {
  const base = env.registrations[0]!;
  try {
    const v = await verifyRegistrationResponse({
      response: r,
      expectedChallenge: base.challenge,
      expectedOrigin: [env.url],
      expectedRPID: 'localhost',
      requireUserVerification: base.userVerification === 'required',
      supportedAlgorithmIDs: base.algorithms,
    });
    return v.verified ? { ok: true } : { ok: false, why: 'verified: false' };
  } catch (error) {
    return { ok: false, why: error instanceof Error ? error.message : String(error) };
  }
}

async function ours(r: RegistrationResponseJSON): Promise<Verdict> {
  try {
    await env.rp.finishRegistration({ sessionId: env.sessionId, ceremonyId: env.newRegistrationCeremony(0), response: r });
    env.resetAfterSuccess();
    return { ok: true };
  } catch (error) {
    const verdict = classify(error);
    if (!verdict.ok) throw new Error(`untyped refusal: ${verdict.reason}`);
    return { ok: false, why: verdict.code };
  }
}

const tally = { both: 0, neither: 0, oursStricter: 0 };
async function compare(label: string, r: RegistrationResponseJSON): Promise<{ ours: Verdict; library: Verdict }> {
  const lib = await library(r);
  const our = await ours(r);
  if (our.ok && !lib.ok) throw new Error(`${label}: ours accepted what @simplewebauthn/server refuses (${lib.why})`);
  if (our.ok) tally.both++;
  else if (lib.ok) tally.oursStricter++;
  else tally.neither++;
  return { ours: our, library: lib };
}

describe('fmt none: ours refuses every registration @simplewebauthn/server refuses', () => {
  it('the base response is a none attestation both accept', async () => {
    const base = env.registrations[0]!;
    expect(decodeAttestationObject(fromBase64url(base.response.response.attestationObject)).fmt).toBe('none');
    expect(await compare('base', base.response)).toEqual({ ours: { ok: true }, library: { ok: true } });
  });

  it('targeted edits reach each library check; the ones the library accepts, ours accepts too where the spec allows', async () => {
    const seen: Record<string, { ours: string; library: string }> = {};
    for (const [label, edit] of Object.entries(TARGETED)) {
      const { ours: o, library: l } = await compare(label, edit(env.registrations[0]!.response));
      seen[label] = { ours: o.ok ? 'ok' : o.why, library: l.ok ? 'ok' : 'refused' };
    }
    // Accepted by both: a well-formed tokenBinding, an extra clientData member, the counter, a zero AAGUID.
    for (const label of ['tokenBinding present', 'tokenBinding not-supported (L1 name)', 'tokenBinding false', 'extra clientData member', 'counter 7', 'aaguid zero']) {
      expect(seen[label], label).toEqual({ ours: 'ok', library: 'ok' });
    }
    // Refused by both, ours with its specific code.
    expect(seen['tokenBinding unknown status']).toEqual({ ours: 'CLIENTDATA_MALFORMED', library: 'refused' });
    expect(seen['tokenBinding a string']).toEqual({ ours: 'CLIENTDATA_MALFORMED', library: 'refused' });
    expect(seen['attStmt not empty']).toEqual({ ours: 'ATTESTATION_MALFORMED', library: 'refused' });
    expect(seen['UP cleared']).toEqual({ ours: 'USER_PRESENCE_REQUIRED', library: 'refused' });
    expect(seen['alg not offered (ES384)']).toEqual({ ours: 'ALGORITHM_NOT_ALLOWED', library: 'refused' });
    expect(seen['rpIdHash flipped']).toEqual({ ours: 'RP_ID_MISMATCH', library: 'refused' });
    // A format WebAuthn does not define is refused by ours itself, with or without a leading byte order mark
    // (the library's decoder drops the mark and reads "none"); ours refuses what no browser sends.
    expect(seen['fmt unknown']).toEqual({ ours: 'ATTESTATION_MALFORMED', library: 'refused' });
    expect(seen['fmt none after a BOM']).toEqual({ ours: 'ATTESTATION_MALFORMED', library: 'ok' });
    expect(seen['fmt key after a BOM']).toEqual({ ours: 'ATTESTATION_MALFORMED', library: 'ok' });
    expect(seen['clientDataJSON after a BOM']).toEqual({ ours: 'CLIENTDATA_MALFORMED', library: 'ok' });
    for (const label of Object.keys(TARGETED).filter((l) => l.startsWith('COSE '))) {
      expect(seen[label], label).toEqual({ ours: 'CBOR_MALFORMED', library: 'refused' });
    }
    console.log(`targeted: ${JSON.stringify(seen)}`);
  });

  it(`${RUNS} random damages of the none response: ours never accepts what the library refuses`, async () => {
    const clientDataEdit = fc.record({ key: fc.constantFrom('type', 'challenge', 'origin', 'crossOrigin', 'topOrigin', 'tokenBinding', 'extra'), value: junkValue, drop: fc.boolean() });
    const mutation = fc.array(fc.oneof({ weight: 4, arbitrary: responseMutation(REGISTRATION_FIELDS) }, { weight: 2, arbitrary: clientDataEdit }), { minLength: 1, maxLength: 3 });
    await fc.assert(
      fc.asyncProperty(mutation, async (edits) => {
        let r = env.registrations[0]!.response;
        for (const e of edits) {
          try {
            r = 'kind' in e ? applyMutation(r, e as ResponseMutation) : withClientData(r, (c) => (e.drop ? delete c[e.key] : (c[e.key] = e.value)));
          } catch {
            // An earlier edit made the field undecodable for this one: judge what we have.
          }
        }
        await compare(JSON.stringify(edits).slice(0, 300), r);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    console.log(`random: ${JSON.stringify(tally)}`);
    // Enough cases reached acceptance for the comparison to mean something.
    expect(tally.both).toBeGreaterThan(20);
  }, 240_000);
});
