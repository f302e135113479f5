// @peculiar/x509 (the authenticator's attestation CA) needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { createAttestationCa, createAuthenticator } from '../../core/authenticator/index.js';
import { createClient } from '../../core/client/index.js';
import { ManualClock } from '../../core/clock.js';
import { HARNESS_ERROR_CODES, HarnessError } from '../../core/errors.js';
import { createHttpServer, type ListeningServer } from '../../core/http/index.js';
import { statusForCode } from '../../core/http/errorResponse.js';
import { createRelyingParty } from '../../core/rp/index.js';
import { openStore, type Store } from '../../core/store/index.js';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '../../core/webauthn/types.js';
import { Agent, freePort } from '../core/http/support.js';
import { openTestCeremony, sealTestCeremony } from '../support/ceremonies.js';

let ceremonies = 0;

export { Agent, freePort };

/** PASSKEY_HARNESS_FUZZ_SEED replays a run; otherwise a fresh seed, printed by the caller. */
export function fuzzSeed(): number {
  const fromEnv = Number(process.env.PASSKEY_HARNESS_FUZZ_SEED);
  return Number.isInteger(fromEnv) ? fromEnv : Math.floor(Math.random() * 0x7fffffff);
}

/** Total fuzz cases (default 10,000, the CI budget); `npm run fuzz` raises it. */
export function fuzzBudget(): number {
  const fromEnv = Number(process.env.PASSKEY_HARNESS_FUZZ_RUNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 10_000;
}

const KNOWN = new Set<string>(HARNESS_ERROR_CODES);

/** What a case may end in: success, or a typed error whose HTTP status is 4xx. Anything else is a finding. */
export function classify(error: unknown): { ok: true; code: string } | { ok: false; reason: string } {
  if (!(error instanceof HarnessError)) return { ok: false, reason: `untyped error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}` };
  if (!KNOWN.has(error.code)) return { ok: false, reason: `unknown code ${error.code}` };
  const status = statusForCode(error.code);
  if (status < 400 || status > 499) return { ok: false, reason: `${error.code} maps to HTTP ${status}: ${error.message}` };
  return { ok: true, code: error.code };
}

export function isTypedClientError(status: number, body: unknown): boolean {
  const b = body as { code?: unknown; message?: unknown } | null;
  return status >= 400 && status <= 499 && !!b && typeof b.code === 'string' && KNOWN.has(b.code) && typeof b.message === 'string';
}

/** Per-case latencies → max and p99 in ms (printed, never asserted). */
export class Latency {
  readonly samples: number[] = [];
  add(ms: number): void {
    this.samples.push(ms);
  }
  summary(): string {
    const s = [...this.samples].sort((a, b) => a - b);
    if (s.length === 0) return 'no samples';
    const p = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!.toFixed(2);
    return `n=${s.length} p50=${p(0.5)}ms p99=${p(0.99)}ms max=${s[s.length - 1]!.toFixed(2)}ms`;
  }
}

export interface FuzzEnv {
  store: Store;
  rp: ReturnType<typeof createRelyingParty>;
  clock: ManualClock;
  url: string;
  server: ListeningServer;
  agent: Agent;
  sessionId: string;
  accountId: number;
  /** Valid, unregistered registration responses (none attestation and packed x5c) with their ceremony rows. */
  registrations: Array<{ label: string; response: RegistrationResponseJSON; challenge: string; algorithms: number[]; userVerification: string }>;
  /** A valid assertion for a registered passkey, with the challenge it signs. */
  assertion: { response: AuthenticationResponseJSON; challenge: string; passkeyId: number };
  /** A fresh ceremony row carrying an already-signed challenge: each case consumes one. */
  newRegistrationCeremony(i: number): string;
  newLoginCeremony(): string;
  /** Undo a case that succeeded (a harmless mutation), so later cases reach the deep checks again. */
  resetAfterSuccess(): void;
  close(): Promise<void>;
}


/** Real RP + in-memory store + real HTTP on loopback, seeded with one customer, a passkey and valid responses. */
export async function startFuzzEnv(): Promise<FuzzEnv> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const clock = new ManualClock(Date.UTC(2026, 10, 25, 9, 0, 0));
  const store = openStore({ path: ':memory:' });
  // A harness CA on this clock signs the yubikey's x5c (the RP checks certificate validity at its own
  // clock, and the process-wide CA starts at the real date): trust it (issue 13: trusted-roots by default).
  const attestationCa = await createAttestationCa({ clock });
  const trust = { attestationRoots: [attestationCa.rootPem] };
  const rp = createRelyingParty({ store, rpId: 'localhost', rpName: 'ワイエム証券', origins: [url], clock, policy: { scryptCost: 1024 }, trust });
  const loose = { limit: 1e9, windowMs: 60_000 };
  const server = await createHttpServer({ rp, staticDir: null, clock, rateLimits: { perIp: loose, perAccount: loose } }).listen({ port });

  const { accountId } = rp.createAccount({ loginId: 'yamada', password: 'login-pass', tradingPassword: 'trade-pass', displayName: '山田太郎', emails: ['taro@example.jp'] });
  const stepUp = async (): Promise<string> => {
    const { sessionId } = rp.login({ loginId: 'yamada', password: 'login-pass' });
    const { emails } = rp.listEmails({ sessionId });
    await rp.sendStepUpEmail({ sessionId, emailId: emails[0]!.emailId });
    const code = /認証コード: (\d{6})/.exec(rp.listMail({}).messages.find((m) => /認証コード: \d{6}/.test(m.text))!.text)![1]!;
    return rp.verifyStepUp({ sessionId, code }).sessionId;
  };
  const sessionId = await stepUp();
  const phones = {
    iphone: createClient({ authenticator: createAuthenticator({ profile: 'iphone-icloud', seed: 'fuzz-iphone', clock }), origin: url }),
    yubikey: createClient({ authenticator: createAuthenticator({ profile: 'yubikey-5', seed: 'fuzz-yubikey', clock, attestationCa }), origin: url }),
    android: createClient({ authenticator: createAuthenticator({ profile: 'android-gpm', seed: 'fuzz-android', clock }), origin: url }),
  };

  // A registered passkey to log in with (android), and two unregistered registration responses to mutate.
  const first = await rp.startRegistration({ sessionId });
  const registered = await rp.finishRegistration({ sessionId, ceremonyId: first.ceremonyId, response: await phones.android.create(first.options), name: 'android' });
  const registrations: FuzzEnv['registrations'] = [];
  for (const [label, client, attestation] of [['none/iphone', phones.iphone, 'none'], ['packed-x5c/yubikey', phones.yubikey, 'direct']] as const) {
    const { ceremonyId, options } = await rp.startRegistration({ sessionId, attestation });
    const response = await client.create(options);
    const sealed = openTestCeremony(store, ceremonyId)!;
    registrations.push({ label, response, challenge: options.challenge, algorithms: sealed.algorithms, userVerification: sealed.userVerification });
  }
  const login = await rp.startLogin({ loginId: 'yamada' });
  const assertion = { response: await phones.android.get(login.options), challenge: login.options.challenge, passkeyId: registered.passkey.passkeyId };

  const agent = new Agent(url);
  agent.cookies.set('pkh_session', sessionId);
  const session = store.sessions.byTokenHash(hashOf(sessionId))!;
  const now = clock.now();
  const protectedIds = new Set([registered.passkey.credentialId]);

  return {
    store,
    rp,
    clock,
    url,
    server,
    agent,
    sessionId,
    accountId,
    registrations,
    assertion,
    newRegistrationCeremony(i) {
      const r = registrations[i]!;
      // A distinct start time per ceremony: equal contents seal to one handle (the IV is synthetic), i.e. one ceremony.
      const createdAt = now + ++ceremonies;
      return sealTestCeremony(store, { challenge: r.challenge, purpose: 'registration', sessionId: session.id, accountId, loginId: null, epoch: 0, userVerification: r.userVerification, algorithms: r.algorithms, createdAt, expiresAt: createdAt + 300_000 });
    },
    newLoginCeremony() {
      const createdAt = now + ++ceremonies;
      return sealTestCeremony(store, { challenge: assertion.challenge, purpose: 'authentication', sessionId: null, accountId, loginId: 'yamada', epoch: 0, userVerification: 'preferred', algorithms: [-8, -7, -257], createdAt, expiresAt: createdAt + 300_000 });
    },
    resetAfterSuccess() {
      // Test-only SQL: forget passkeys the fuzzer managed to register and rewind the login counter.
      for (const p of store.passkeys.listForAccount(accountId, { includeRevoked: true })) {
        if (!protectedIds.has(p.credentialId)) store.driver.prepare('DELETE FROM passkeys WHERE id = @id').run({ id: p.id });
      }
      store.driver.prepare('UPDATE passkeys SET counter = 0 WHERE id = @id').run({ id: assertion.passkeyId });
      store.driver.prepare('DELETE FROM sessions WHERE id <> @id').run({ id: session.id });
    },
    async close() {
      await server.close();
      store.close();
    },
  };
}

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
