import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64url, toBase64url } from '../../core/webauthn/base64url.js';
import {
  applyByteEdit,
  applyMutation,
  AUTHENTICATION_FIELDS,
  junkValue,
  REGISTRATION_FIELDS,
  responseMutation,
  type ResponseMutation,
} from './mutations.js';
import { classify, fuzzBudget, fuzzSeed, isTypedClientError, Latency, startFuzzEnv, type FuzzEnv } from './support.js';

/**
 * Issue 6, hostile input: start from valid registration and authentication responses (made by
 * core/client + the software authenticator for an already-issued challenge), damage them, and
 * require a typed 4xx `{ code, message }` or a success — never a 500, an untyped throw or a hang.
 *
 * Budget (default 10,000 = PASSKEY_HARNESS_FUZZ_RUNS): 40% registration and 40% authentication
 * directly against rp.finishRegistration / rp.finishLogin (the same code path as the HTTP route
 * minus hono and zod, so the RP's own checks see inputs zod would have stopped), 10% + 10% over
 * real HTTP on loopback (≥ 1,000 at the default). Plus every truncation offset of every binary field.
 * Per-case latency is printed (max, p99) — measured, never asserted.
 */
const SEED = fuzzSeed();
const BUDGET = fuzzBudget();
const DIRECT_RUNS = Math.floor(BUDGET * 0.4);
const HTTP_RUNS = Math.max(500, Math.floor(BUDGET * 0.1));
console.log(`fuzz seed=${SEED} budget=${BUDGET} (replay: PASSKEY_HARNESS_FUZZ_SEED=${SEED})`);

let env: FuzzEnv;
beforeAll(async () => {
  env = await startFuzzEnv();
});
afterAll(async () => {
  await env?.close();
});

/** Rewrites one key of the clientDataJSON object: the JSON-level mutation. */
type ClientDataEdit = { kind: 'clientData'; key: string; value: unknown; drop: boolean };
const clientDataEdit: fc.Arbitrary<ClientDataEdit> = fc.record({
  kind: fc.constant('clientData' as const),
  key: fc.constantFrom('type', 'challenge', 'origin', 'crossOrigin', 'topOrigin', 'tokenBinding', '__proto__', 'constructor', 'extra'),
  value: junkValue,
  drop: fc.boolean(),
});
function applyClientDataEdit<T extends { response: { clientDataJSON: string } }>(base: T, edit: ClientDataEdit): T {
  const copy = structuredClone(base);
  const parsed = JSON.parse(new TextDecoder().decode(fromBase64url(copy.response.clientDataJSON))) as Record<string, unknown>;
  if (edit.drop) delete parsed[edit.key];
  else Object.defineProperty(parsed, edit.key, { value: edit.value, enumerable: true, configurable: true, writable: true });
  copy.response.clientDataJSON = toBase64url(new TextEncoder().encode(JSON.stringify(parsed)));
  return copy;
}

type AnyMutation = ResponseMutation | ClientDataEdit;
const regMutation: fc.Arbitrary<AnyMutation[]> = fc.array(fc.oneof({ weight: 5, arbitrary: responseMutation(REGISTRATION_FIELDS) }, { weight: 1, arbitrary: clientDataEdit }), { minLength: 1, maxLength: 3 });
const authMutation: fc.Arbitrary<AnyMutation[]> = fc.array(fc.oneof({ weight: 5, arbitrary: responseMutation(AUTHENTICATION_FIELDS) }, { weight: 1, arbitrary: clientDataEdit }), { minLength: 1, maxLength: 3 });

function mutate<T extends { response: { clientDataJSON: string } }>(base: T, mutations: AnyMutation[]): T {
  let out = base;
  for (const m of mutations) {
    try {
      out = m.kind === 'clientData' ? applyClientDataEdit(out, m) : applyMutation(out, m);
    } catch {
      // A previous mutation made the field undecodable for the next one: keep what we have.
    }
  }
  return out;
}

const codes = new Map<string, number>();
function count(code: string): void {
  codes.set(code, (codes.get(code) ?? 0) + 1);
}

async function directRegistration(i: number, mutations: AnyMutation[]): Promise<void> {
  const base = env.registrations[i]!;
  const response = mutate(base.response, mutations);
  const ceremonyId = env.newRegistrationCeremony(i);
  try {
    await env.rp.finishRegistration({ sessionId: env.sessionId, ceremonyId, response });
    count('OK');
    env.resetAfterSuccess();
  } catch (error) {
    const verdict = classify(error);
    if (!verdict.ok) throw new Error(`${verdict.reason}\nmutations: ${JSON.stringify(mutations)}`);
    count(verdict.code);
  }
}

async function directLogin(mutations: AnyMutation[]): Promise<void> {
  const response = mutate(env.assertion.response, mutations);
  const ceremonyId = env.newLoginCeremony();
  try {
    await env.rp.finishLogin({ ceremonyId, response });
    count('OK');
    env.resetAfterSuccess();
  } catch (error) {
    const verdict = classify(error);
    if (!verdict.ok) throw new Error(`${verdict.reason}\nmutations: ${JSON.stringify(mutations)}`);
    count(verdict.code);
  }
}

async function overHttp(path: string, body: unknown, rawBody?: string): Promise<void> {
  const reply = await env.agent.request('POST', path, rawBody === undefined ? body : undefined, rawBody === undefined ? {} : { rawBody });
  if (reply.status === 200) {
    count('OK');
    env.resetAfterSuccess();
    return;
  }
  if (!isTypedClientError(reply.status, reply.body)) throw new Error(`HTTP ${reply.status} ${JSON.stringify(reply.body).slice(0, 300)}`);
  count(String(reply.body.code));
}

function timed<A extends unknown[]>(latency: Latency, fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const t0 = performance.now();
    try {
      await fn(...args);
    } finally {
      latency.add(performance.now() - t0);
    }
  };
}

describe('fuzzed WebAuthn responses', () => {
  it('the unmutated responses are valid (so mutations start from a passing case)', async () => {
    for (let i = 0; i < env.registrations.length; i++) {
      const result = await env.rp.finishRegistration({ sessionId: env.sessionId, ceremonyId: env.newRegistrationCeremony(i), response: env.registrations[i]!.response });
      expect(result.passkey.credentialId).toBe(env.registrations[i]!.response.id);
      env.resetAfterSuccess();
    }
    const login = await env.rp.finishLogin({ ceremonyId: env.newLoginCeremony(), response: env.assertion.response });
    expect(login.passkeyId).toBe(env.assertion.passkeyId);
    env.resetAfterSuccess();
  });

  it('truncating any binary field at every offset gives a typed 4xx (direct)', async () => {
    const latency = new Latency();
    let cases = 0;
    for (let i = 0; i < env.registrations.length; i++) {
      for (const field of ['attestationObject', 'clientDataJSON'] as const) {
        const bytes = fromBase64url(env.registrations[i]!.response.response[field]);
        for (let at = 0; at < bytes.length; at++) {
          const response = structuredClone(env.registrations[i]!.response);
          response.response[field] = toBase64url(applyByteEdit(bytes, { kind: 'truncate', at }));
          await timed(latency, async () => {
            try {
              await env.rp.finishRegistration({ sessionId: env.sessionId, ceremonyId: env.newRegistrationCeremony(i), response });
              throw new Error(`truncated ${field} at ${at} was accepted`);
            } catch (error) {
              const verdict = classify(error);
              if (!verdict.ok) throw new Error(`${field} truncated at ${at}: ${verdict.reason}`);
            }
          })();
          cases++;
        }
      }
    }
    for (const field of ['authenticatorData', 'clientDataJSON', 'signature'] as const) {
      const bytes = fromBase64url(env.assertion.response.response[field]);
      for (let at = 0; at < bytes.length; at++) {
        const response = structuredClone(env.assertion.response);
        response.response[field] = toBase64url(applyByteEdit(bytes, { kind: 'truncate', at }));
        await timed(latency, async () => {
          try {
            await env.rp.finishLogin({ ceremonyId: env.newLoginCeremony(), response });
            throw new Error(`truncated ${field} at ${at} was accepted`);
          } catch (error) {
            const verdict = classify(error);
            if (!verdict.ok) throw new Error(`${field} truncated at ${at}: ${verdict.reason}`);
          }
        })();
        cases++;
      }
    }
    console.log(`truncation cases=${cases} latency ${latency.summary()}`);
    expect(cases).toBeGreaterThan(300);
  });

  it(`registration responses: ${DIRECT_RUNS} mutated cases direct → success or typed 4xx`, async () => {
    const latency = new Latency();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1 }), regMutation, timed(latency, directRegistration)),
      { seed: SEED, numRuns: DIRECT_RUNS, endOnFailure: true },
    );
    console.log(`registration direct latency ${latency.summary()}`);
  }, 120_000 + BUDGET * 30);

  it(`authentication responses: ${DIRECT_RUNS} mutated cases direct → success or typed 4xx`, async () => {
    const latency = new Latency();
    await fc.assert(fc.asyncProperty(authMutation, timed(latency, directLogin)), { seed: SEED + 1, numRuns: DIRECT_RUNS, endOnFailure: true });
    console.log(`authentication direct latency ${latency.summary()}`);
  }, 120_000 + BUDGET * 30);

  it(`registration over HTTP: ${HTTP_RUNS} mutated requests (incl. raw JSON damage) → 200 or typed 4xx`, async () => {
    const latency = new Latency();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1 }), regMutation, fc.option(fc.record({ at: fc.nat(), edit: fc.constantFrom('cut', 'flip', 'dup') }), { freq: 5 }), timed(latency, async (i, mutations, raw) => {
        const body = { ceremonyId: env.newRegistrationCeremony(i), response: mutate(env.registrations[i]!.response, mutations) };
        await overHttp('/api/passkeys/registration/verify', body, raw ? damageJson(JSON.stringify(body), raw) : undefined);
      })),
      { seed: SEED + 2, numRuns: HTTP_RUNS, endOnFailure: true },
    );
    console.log(`registration HTTP latency ${latency.summary()}`);
  }, 120_000 + BUDGET * 30);

  it(`authentication over HTTP: ${HTTP_RUNS} mutated requests (incl. raw JSON damage) → 200 or typed 4xx`, async () => {
    const latency = new Latency();
    await fc.assert(
      fc.asyncProperty(authMutation, fc.option(fc.record({ at: fc.nat(), edit: fc.constantFrom('cut', 'flip', 'dup') }), { freq: 5 }), timed(latency, async (mutations, raw) => {
        const body = { ceremonyId: env.newLoginCeremony(), response: mutate(env.assertion.response, mutations) };
        await overHttp('/api/passkeys/login/verify', body, raw ? damageJson(JSON.stringify(body), raw) : undefined);
      })),
      { seed: SEED + 3, numRuns: HTTP_RUNS, endOnFailure: true },
    );
    console.log(`authentication HTTP latency ${latency.summary()}`);
    console.log(`outcomes: ${JSON.stringify(Object.fromEntries([...codes].sort((a, b) => b[1] - a[1])))}`);
  }, 120_000 + BUDGET * 30);
});

function damageJson(text: string, raw: { at: number; edit: 'cut' | 'flip' | 'dup' }): string {
  const at = raw.at % (text.length + 1);
  if (raw.edit === 'cut') return text.slice(0, at);
  if (raw.edit === 'dup') return text.slice(0, at) + text.slice(Math.max(0, at - 8));
  const code = text.charCodeAt(at % text.length) ^ 0x01;
  return text.slice(0, at % text.length) + String.fromCharCode(code) + text.slice((at % text.length) + 1);
}
