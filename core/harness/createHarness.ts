import { builtInProfiles, resolveProfile } from '../authenticator/profiles.js';
import { openVault } from '../authenticator/vault.js';
import { systemClock, type Clock } from '../clock.js';
import { HarnessError, toErrorData } from '../errors.js';
import type { Mailer } from '../mail/index.js';
import { seededRandom, systemRandom, type Random } from '../random.js';
import type { Rp } from '../rp/index.js';
import { runScenarios } from '../scenario/runScenarios.js';
import { enrollFlow, enterCode, passkeyLogin, passwordLogin, readCode, sendEmailCode, totpNow } from '../journey/index.js';
import { loadScenarios, validateScenarios } from '../scenario/validateScenarios.js';
import { browserFor, createWorld, type World, type WorldPhone, type WorldUser } from '../journey/index.js';
import { openStore } from '../store/index.js';
import { toBase64url } from '../webauthn/base64url.js';
import { createHash, timingSafeEqual } from 'node:crypto';
import { dirname, join } from 'node:path';
import { bindHarness } from './bindHarness.js';
import { vaultPhoneRegistry } from './vaultPhoneRegistry.js';
import { CHANNEL_NAMES, requiredRole, type ChannelName, type HarnessApi, type HarnessImplementation } from './channels.js';
import { memoryPhoneRegistry, type PhoneRecord, type PhoneRegistry } from './phoneRegistry.js';
import type { RunReport } from '../scenario/report.js';
import type { AuditEntry, HarnessCaller, PasskeySummary, PhoneCredential, PhoneSummary, RegistrationInfoRow, ScenarioProgressEvent, UserSummary } from './types.js';

export interface CreateHarnessOptions {
  /** SQLite file of the server; `':memory:'` (default) for a throwaway harness. */
  dbPath?: string;
  /** The phones' vault (SQLite, keys encrypted under the passphrase): default `phones.sqlite` beside `dbPath`; memory for a memory DB. */
  vaultPath?: string;
  /** Vault passphrase (from PASSKEY_HARNESS_VAULT_PASSPHRASE; never a flag). */
  passphrase?: string;
  clock?: Clock;
  random?: Random;
  /** Makes randomness reproducible (ignored when `random` is given). */
  seed?: string;
  rpId?: string;
  origin?: string;
  /** Default: the captured outbox (`mailbox.*` reads it); an SMTP mailer also records there. */
  mailer?: Mailer;
  /** Inject a phone registry (tests, Electron); default: memory. */
  phones?: PhoneRegistry;
  /**
   * Who the direct caller (CLI, Electron IPC) is: admin channels act and are audited as this
   * admin, provisioned in the database on first use. Default: operator `harness-operator`.
   * HTTP callers get their own identity from a bearer token (`authenticate` + `as`).
   */
  actor?: HarnessCaller;
}

export type Harness = HarnessApi & {
  /** The relying party, for core/http (`createHttpServer({ rp: harness.rp, harness: ... })`). */
  readonly rp: Rp;
  /** The identity this harness's own methods act as (`actor` option). */
  readonly actor: HarnessCaller;
  /** The same channels acting as another admin (provisioned on first use); what an authenticated HTTP caller gets. */
  as(caller: HarnessCaller): HarnessApi;
  /**
   * Mints a bearer token for `caller` (provisioned when missing). Only its SHA-256 is stored,
   * in the database, replacing the previous token of the same role, so a restart of `serve`
   * rotates the tokens and every server process on this database accepts the current ones.
   */
  issueToken(caller: HarnessCaller): string;
  /** The admin a bearer token belongs to, or undefined (unknown, rotated, or admin gone). */
  authenticate(token: string): HarnessCaller | undefined;
  close(): Promise<void>;
};

export const HARNESS_OPERATOR = 'harness-operator';
const TOKEN_KEY = (role: HarnessCaller['role']) => `harness.token.${role}`;
const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');
/** Channels core/rp guards (and audits a refusal of) itself; the harness lets them through to it. */
const RP_GUARDED: ReadonlySet<ChannelName> = new Set<ChannelName>(['admin.revoke', 'admin.reset', 'users.lock', 'users.unlock']);
/** Used only when PASSKEY_HARNESS_VAULT_PASSPHRASE is unset; `serve` says so on stderr. */
export const DEVELOPMENT_PASSPHRASE = 'passkey-harness-development-only';
const VERSION = '0.1.0';
/** Started scenario runs kept for `scenarios.progress`: the newest few, finished ones for a while. */
const MAX_RUNS = 20;
const FINISHED_RUN_TTL_MS = 10 * 60 * 1000;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface ScenarioRun {
  events: ScenarioProgressEvent[];
  done: boolean;
  finishedAt?: number;
  result?: RunReport;
  error?: { code: string; message: string };
}

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

const ROW_LABELS: Record<string, { label: string; status: Record<string, string>; actions: Record<string, string[]> }> = {
  loginPassword: { label: 'ログインパスワード', status: { set: '*****' }, actions: { set: ['変更'] } },
  tradingPassword: { label: '取引パスワード', status: { set: '*****' }, actions: { set: ['変更', '再設定'] } },
  passkey: { label: 'パスキー', status: { unregistered: '未登録', registered: '登録済' }, actions: { unregistered: ['登録'], registered: ['登録'] } },
  otpService: { label: 'ワンタイムパスワードサービス', status: { unregistered: '未登録', active: '利用中' }, actions: { unregistered: ['申込'], active: [] } },
};

function passkeySummary(username: string, p: Record<string, any>): PasskeySummary {
  return {
    credentialId: p.credentialId,
    username,
    name: p.name,
    aaguid: p.aaguid,
    authenticatorName: String(p.authenticatorName ?? 'Unknown authenticator'),
    transports: p.transports ?? [],
    backupEligible: Boolean(p.backupEligible),
    backupState: Boolean(p.backupState),
    signCount: Number(p.counter ?? 0),
    createdAt: iso(p.createdAt)!,
    lastUsedAt: iso(p.lastUsedAt),
    revokedAt: iso(p.revokedAt),
  };
}

/**
 * The in-process harness: one RP over the SQLite file, phones, and the scenario runner, behind
 * the channel map. The CLI and Electron main call it directly; core/http serves it to browsers.
 */
export async function createHarness(options: CreateHarnessOptions = {}): Promise<Harness> {
  const { dbPath = ':memory:', clock = systemClock, rpId = 'localhost', seed } = options;
  const origin = options.origin ?? `http://${rpId}:8787`;
  const random = options.random ?? (seed === undefined ? systemRandom : seededRandom(seed));
  // Phones open first so a wrong passphrase fails before the database is touched.
  const vaultPath = options.vaultPath ?? (dbPath === ':memory:' ? ':memory:' : join(dirname(dbPath), 'phones.sqlite'));
  const phones =
    options.phones ??
    (vaultPath === ':memory:'
      ? memoryPhoneRegistry(clock)
      : vaultPhoneRegistry(openVault({ path: vaultPath, passphrase: options.passphrase || DEVELOPMENT_PASSPHRASE, clock })));
  const store = openStore({ path: dbPath });
  const world: World = await createWorld({ seed: seed ?? 'harness', rpId, origin, store, clock, random, admin: HARNESS_OPERATOR, mailer: options.mailer });
  const rp = world.rp;
  const actor: HarnessCaller = options.actor ?? { name: HARNESS_OPERATOR, role: 'operator' };

  /** Creates the admin on first use (audited by core/rp as admin.create); a name keeps its role. */
  function provision(caller: HarnessCaller): void {
    const existing = store.admins.byName(caller.name);
    if (!existing) rp.admin.createAdmin({ name: caller.name, role: caller.role });
    else if (existing.role !== caller.role) throw new HarnessError('CONFIG_INVALID', `admin ${caller.name} exists with role ${existing.role}, not ${caller.role}`);
  }
  provision(actor);

  /** Started runs by ID, oldest first (Map keeps insertion order), shared by every caller's view. */
  const runs = new Map<string, ScenarioRun>();
  function pruneRuns(): void {
    const now = clock.now();
    for (const [id, run] of runs) if (run.finishedAt !== undefined && now - run.finishedAt > FINISHED_RUN_TTL_MS) runs.delete(id);
    // Still too many: drop the oldest, finished or not (a dropped run finishes unobserved).
    for (const id of runs.keys()) {
      if (runs.size < MAX_RUNS) break;
      runs.delete(id);
    }
  }

  function implementationFor(caller: HarnessCaller): HarnessImplementation {
    const admin = caller.name;

    async function account(username: string) {
      const { accounts } = await rp.admin.searchAccounts({ admin, query: username });
      const found = (accounts as Record<string, any>[]).find((a) => a.loginId === username);
      if (!found) throw new HarnessError('ACCOUNT_NOT_FOUND', `no customer with login ID ${username}`);
      return found;
    }

    function summary(a: Record<string, any>): UserSummary {
      return {
        username: a.loginId,
        displayName: a.displayName,
        emails: [...(a.emails ?? [])].map((e: unknown) => (typeof e === 'string' ? e : String((e as { address?: string }).address))),
        locked: Boolean(a.locked),
        otpEnrolled: a.otp === true || a.otp === 'active',
        passkeyCount: Number(a.passkeyCount ?? 0),
      };
    }

    /** The World's view of a persisted user (the harness plays the customer and their OTP app). */
    async function worldUser(username: string, password: string): Promise<WorldUser> {
      const a = await account(username);
      const otp = store.otp.get(a.accountId);
      const user: WorldUser = { username, password, accountId: a.accountId, emails: [], otpUri: otp?.status === 'active' ? `otpauth://totp/${encodeURIComponent(username)}?secret=${otp.secret}&algorithm=SHA1&digits=6&period=30` : undefined };
      world.users.set(username, user);
      world.currentUser = username;
      return user;
    }

    function worldPhone(name: string): WorldPhone {
      const record = phones.get(name);
      const phone: WorldPhone = { name: record.name, profile: record.profile, credentials: record.credentials, faults: {}, decision: 'approve' };
      world.phones.set(name, phone);
      return phone;
    }

    function phoneSummary(p: PhoneRecord): PhoneSummary {
      const profile = resolveProfile(p.profile);
      return { name: p.name, profile: profile.id, profileLabel: profile.label, credentialCount: p.credentials.list().length, createdAt: iso(p.createdAt)! };
    }

    function phoneCredentials(p: PhoneRecord): PhoneCredential[] {
      return p.credentials.list().map((c) => ({
        credentialId: toBase64url(c.id),
        rpId: c.rpId,
        userName: c.userName ?? '',
        userHandle: c.userHandle ? toBase64url(c.userHandle) : '',
        algorithm: c.alg,
        signCount: c.signCount,
        discoverable: c.discoverable,
        createdAt: iso(c.createdAt)!,
      }));
    }

    async function passkeysOf(username: string) {
      const a = await account(username);
      const { passkeys } = await rp.admin.listPasskeys({ admin, accountId: a.accountId });
      return { a, passkeys: passkeys as Record<string, any>[] };
    }

    async function findPasskey(credentialId: string) {
      const { accounts } = await rp.admin.searchAccounts({ admin, query: '' });
      for (const a of accounts as Record<string, any>[]) {
        const { passkeys } = await rp.admin.listPasskeys({ admin, accountId: a.accountId });
        const found = (passkeys as Record<string, any>[]).find((p) => p.credentialId === credentialId);
        if (found) return { a, passkey: found };
      }
      throw new HarnessError('PASSKEY_NOT_FOUND', `no passkey with credential ID ${credentialId}`);
    }

    async function setLocked(username: string, locked: boolean, why: { reason: string; ticket?: string }) {
      const a = await account(username);
      const opts = { admin, accountId: a.accountId, reason: why.reason, ...(why.ticket ? { ticket: why.ticket } : {}) };
      if (locked) rp.admin.lockAccount(opts);
      else rp.admin.unlockAccount(opts);
      return summary(await account(username));
    }

    const implementation: HarnessImplementation = {
      async 'harness.info'() {
        return { version: VERSION, rpId, origin, dbPath, profiles: Object.values(builtInProfiles).map((p) => ({ id: p.id, label: p.label })), caller: { ...caller } };
      },
      async 'users.create'({ username, password, displayName, emails }) {
        await rp.createAccount({ loginId: username, password, tradingPassword: `${password}-trading`, displayName: displayName ?? username, emails: emails.length ? emails : [`${username}@example.test`] });
        return summary(await account(username));
      },
      async 'users.list'({ query }) {
        const { accounts } = await rp.admin.searchAccounts({ admin, query: query ?? '' });
        return (accounts as Record<string, any>[]).map(summary);
      },
      async 'users.show'({ username }) {
        const { a, passkeys } = await passkeysOf(username);
        const s = summary(a);
        const active = passkeys.filter((p) => p.revokedAt === null || p.revokedAt === undefined).length;
        const rows: RegistrationInfoRow[] = [
          { key: 'loginPassword', status: 'set' },
          { key: 'tradingPassword', status: 'set' },
          { key: 'passkey', status: active > 0 ? 'registered' : 'unregistered' },
          { key: 'otpService', status: s.otpEnrolled ? 'active' : 'unregistered' },
        ].map(({ key, status }) => ({ key, label: ROW_LABELS[key]!.label, status: ROW_LABELS[key]!.status[status] ?? status, actions: ROW_LABELS[key]!.actions[status] ?? [] }));
        return { ...s, registrationInfo: rows, passkeys: passkeys.map((p) => passkeySummary(username, p)) };
      },
      'users.lock': ({ username, reason, ticket }) => setLocked(username, true, { reason, ticket }),
      'users.unlock': ({ username, reason, ticket }) => setLocked(username, false, { reason, ticket }),
      async 'otp.enroll'({ username, password }) {
        // The customer's way in (DESIGN §1, 申込): a fresh email step-up for 'otp-enrollment',
        // then the RP issues the secret and the "app" confirms with its first code.
        await worldUser(username, password);
        const user = await passwordLogin(world, username, password);
        const sent = await sendEmailCode(world, user, undefined, 'otp-enrollment');
        await enterCode(world, user, await readCode(world, user, sent.address), 'otp-enrollment');
        const { uri, secret } = await rp.enrollOtp({ sessionId: user.sessionId! });
        user.otpUri = uri;
        await rp.confirmOtp({ sessionId: user.sessionId!, code: totpNow(world, user) });
        return { username, secret, uri };
      },
      async 'mailbox.list'({ to, limit }) {
        const { messages } = await rp.listMail(to === undefined ? {} : { to });
        const sorted = [...(messages as Record<string, any>[])].sort((x, y) => Number(y.id) - Number(x.id));
        return sorted.slice(0, limit ?? sorted.length).map((m) => ({ id: String(m.id), to: m.to, subject: m.subject, text: m.text, sentAt: iso(m.createdAt)! }));
      },
      async 'mailbox.show'({ id }) {
        const { messages } = await rp.listMail({});
        const m = (messages as Record<string, any>[]).find((x) => String(x.id) === id);
        if (!m) throw new HarnessError('NOT_FOUND', `no message ${id}`);
        return { id: String(m.id), to: m.to, subject: m.subject, text: m.text, sentAt: iso(m.createdAt)! };
      },
      async 'phones.create'({ name, profile }) {
        return phoneSummary(phones.create(name, profile));
      },
      async 'phones.list'() {
        return phones.list().map(phoneSummary);
      },
      async 'phones.show'({ name }) {
        const p = phones.get(name);
        return { ...phoneSummary(p), credentials: phoneCredentials(p) };
      },
      async 'phones.rename'({ name, newName }) {
        return phoneSummary(phones.rename(name, newName));
      },
      async 'phones.export'({ name }) {
        return phones.export(name);
      },
      async 'phones.import'({ data, name }) {
        return phoneSummary(phones.import(data, name));
      },
      async 'phones.delete'({ name }) {
        phones.delete(name);
        world.phones.delete(name);
        return { name, deleted: true as const };
      },
      async 'phones.credentials'({ name }) {
        return phoneCredentials(phones.get(name));
      },
      async 'phones.createCredential'({ phone, options, origin: callerOrigin, decision, faults }) {
        const p = worldPhone(phone);
        p.decision = decision;
        p.faults = { ...(faults ?? {}) };
        const client = browserFor({ ...world, origin: callerOrigin }, p);
        return (await client.create(options as never)) as unknown as Record<string, unknown>;
      },
      async 'phones.getAssertion'({ phone, options, origin: callerOrigin, decision, faults }) {
        const p = worldPhone(phone);
        p.decision = decision;
        p.faults = { ...(faults ?? {}) };
        const client = browserFor({ ...world, origin: callerOrigin }, p);
        return (await client.get(options as never)) as unknown as Record<string, unknown>;
      },
      async enroll({ username, password, phone, stepUp, email, decision, passkeyName }) {
        await worldUser(username, password);
        worldPhone(phone);
        const { steps, passkey } = await enrollFlow(world, { username, password, phone, stepUp, email, decision, passkeyName });
        return { username, phone, stepUp, steps, passkey: passkeySummary(username, passkey as Record<string, any>) };
      },
      async login({ username, phone, mode, decision }) {
        worldPhone(phone);
        const { result, steps } = await passkeyLogin(world, { username, phone, mode, decision });
        const r = result as Record<string, any>;
        const { passkeys } = await passkeysOf(r.loginId);
        const used = passkeys.find((p) => p.passkeyId === r.passkeyId);
        return { username: r.loginId, mode, credentialId: used?.credentialId ?? '', userVerified: Boolean(r.userVerified ?? true), signCount: Number(r.counter ?? 0), steps };
      },
      async 'admin.passkeys'({ username }) {
        const { passkeys } = await passkeysOf(username);
        return passkeys.map((p) => passkeySummary(username, p));
      },
      async 'admin.inspect'({ credentialId }) {
        const { a, passkey } = await findPasskey(credentialId);
        const detail = await rp.admin.inspectPasskey({ admin, passkeyId: passkey.passkeyId });
        const d = detail as unknown as Record<string, any>;
        // The summary shape first, then what only inspect shows (flags, key, revocation reason).
        return { ...passkeySummary(a.loginId, d), authenticatorName: d.authenticatorName, fmt: d.fmt, alg: d.alg, flags: d.flags, publicKeyCose: d.publicKeyCose, revokeReason: d.revokeReason ?? null, revokeTicket: d.revokeTicket ?? null } as PasskeySummary;
      },
      async 'admin.revoke'({ credentialId, reason, ticket }) {
        const { passkey } = await findPasskey(credentialId);
        const result = await rp.admin.revokePasskey({ admin, passkeyId: passkey.passkeyId, reason, ticket: ticket ?? '' });
        return { credentialId, revokedAt: iso((result as Record<string, any>).revokedAt)! };
      },
      async 'admin.reset'({ username, reason, ticket }) {
        const a = await account(username);
        const result = await rp.admin.resetPasskeys({ admin, accountId: a.accountId, reason, ticket: ticket ?? '' });
        return { username, revoked: Number((result as Record<string, any>).revoked) };
      },
      async 'admin.audit'({ username, since, limit }) {
        const accountId = username === undefined ? undefined : (await account(username)).accountId;
        const { entries } = await rp.admin.readAudit({ admin, ...(accountId === undefined ? {} : { accountId }), limit: 100_000 });
        const sinceMs = since === undefined ? undefined : Date.parse(since);
        const out: AuditEntry[] = (entries as Record<string, any>[])
          .filter((e) => sinceMs === undefined || Number(e.at) >= sinceMs)
          .map((e) => ({ seq: Number(e.id), at: iso(e.at)!, actor: e.actor, action: e.action, target: e.accountId === null || e.accountId === undefined ? null : String(e.accountId), outcome: e.outcome, details: { ...(e.details ?? {}), ...(e.code ? { code: e.code } : {}) } }));
        return limit === undefined ? out : out.slice(-limit);
      },
      async 'admin.verifyAudit'() {
        const result = (await rp.admin.verifyAudit({ admin })) as Record<string, any>;
        return { ok: Boolean(result.ok), entries: Number(result.count ?? 0), firstBrokenSeq: result.brokenAt === undefined || result.brokenAt === null ? null : Number(result.brokenAt) };
      },
      async 'scenarios.validate'({ sources }) {
        return validateScenarios(sources);
      },
      async 'scenarios.run'({ sources, seed: runSeed, repeat, concurrency }) {
        return runScenarios({ scenarios: loadScenarios(sources), seed: runSeed, repeat, concurrency, rpId });
      },
      async 'scenarios.start'({ sources, seed: runSeed, repeat, concurrency }) {
        // Loaded here so an invalid source is refused by start itself, as by scenarios.run.
        const scenarios = loadScenarios(sources);
        pruneRuns();
        const runId = `run-${toBase64url(random.bytes(9))}`;
        const entry: ScenarioRun = { events: [], done: false };
        runs.set(runId, entry);
        const push = (event: DistributiveOmit<ScenarioProgressEvent, 'seq'>) => entry.events.push({ ...event, seq: entry.events.length + 1 } as ScenarioProgressEvent);
        runScenarios({
          scenarios,
          seed: runSeed,
          repeat,
          concurrency,
          rpId,
          onStep: (where, step) => push({ type: 'step', ...where, step }),
          onProgress(done, total, result) {
            const where = { scenario: result.name, file: result.file, iteration: result.iteration };
            push({ type: 'scenario', ...where, status: result.status, done, total, durationMs: result.durationMs, ...(result.failure ? { failure: result.failure } : {}) });
          },
        }).then(
          (result) => Object.assign(entry, { done: true, finishedAt: clock.now(), result }),
          (caught: unknown) => {
            const { code, message } = toErrorData(caught);
            Object.assign(entry, { done: true, finishedAt: clock.now(), error: { code, message } });
          },
        );
        return { runId, total: scenarios.length * repeat };
      },
      async 'scenarios.progress'({ runId, after = 0 }) {
        const entry = runs.get(runId);
        if (!entry) throw new HarnessError('NOT_FOUND', `no scenario run ${runId} (unknown, or finished long ago)`);
        const { done, result, error } = entry;
        return { runId, events: entry.events.slice(after), done, ...(result ? { result } : {}), ...(error ? { error } : {}) };
      },
    };
    return implementation;
  }

  /** Role check for the channels core/rp does not guard itself; a refusal is audited like the RP's. */
  function guarded(caller: HarnessCaller, implementation: HarnessImplementation): HarnessImplementation {
    if (caller.role === 'operator') return implementation;
    const out: Record<string, (args: unknown) => Promise<unknown>> = {};
    for (const name of CHANNEL_NAMES) {
      const method = implementation[name] as (args: unknown) => Promise<unknown>;
      out[name] =
        requiredRole(name) === 'viewer' || RP_GUARDED.has(name)
          ? (args) => method.call(implementation, args)
          : async () => {
              store.audit.append({ at: clock.now(), actor: `admin:${caller.name}`, action: `harness.${name}`, outcome: 'failure', code: 'FORBIDDEN' });
              throw new HarnessError('FORBIDDEN', `${name} needs the operator role (${caller.name} is a viewer)`);
            };
    }
    return out as unknown as HarnessImplementation;
  }

  const views = new Map<string, HarnessApi>();
  function viewFor(caller: HarnessCaller): HarnessApi {
    const key = `${caller.role}:${caller.name}`;
    let view = views.get(key);
    if (!view) {
      provision(caller);
      view = bindHarness(guarded(caller, implementationFor(caller)));
      views.set(key, view);
    }
    return view;
  }

  const api = viewFor(actor);
  return Object.assign({ ...api }, {
    rp,
    actor,
    as: viewFor,
    issueToken(caller: HarnessCaller): string {
      provision(caller);
      const token = toBase64url(random.bytes(32));
      store.meta.set(TOKEN_KEY(caller.role), JSON.stringify({ hash: sha256Hex(token), name: caller.name }));
      return token;
    },
    authenticate(token: string): HarnessCaller | undefined {
      if (typeof token !== 'string' || token.length === 0 || token.length > 256) return undefined;
      // Compared as SHA-256 digests in constant time, so a lookup does not leak how much of a guess matched.
      const presented = Buffer.from(sha256Hex(token), 'hex');
      for (const role of ['operator', 'viewer'] as const) {
        const stored = store.meta.get(TOKEN_KEY(role));
        if (!stored) continue;
        const { hash, name } = JSON.parse(stored) as { hash: string; name: string };
        const expected = Buffer.from(hash, 'hex');
        if (expected.length === presented.length && timingSafeEqual(expected, presented)) {
          const admin = store.admins.byName(name);
          return admin ? { name: admin.name, role: admin.role } : undefined;
        }
      }
      return undefined;
    },
    async close() {
      phones.close();
      store.close();
    },
  }) as Harness;
}
