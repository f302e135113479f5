import { enrollFlow, enterCode, passkeyLogin, passwordLogin, readCode, sendEmailCode, totpNow } from '../../journey/index.js';
import { resolveProfile } from '../../authenticator/index.js';
import { HarnessError } from '../../errors.js';
import type { HarnessImplementation } from '../channels.js';
import { registrationInfoRows } from '../registrationInfoLabels.js';
import type { AccountView } from '../types.js';
import { toAuditEntry } from './admin.js';
import { armedFaults, findAccount, iso, isoOrNull, recordAction, seatPhone, seatUser, toPasskeyView, toUserSummary, type HandlerContext } from './context.js';

type UserChannels = 'users.create' | 'users.list' | 'users.show' | 'users.account' | 'users.endSessions' | 'users.lock' | 'users.unlock' | 'otp.enroll' | 'enroll' | 'login';

/** Audit actions that revoke passkeys, and the lock: who did it is read back from their rows. */
const REVOKING = new Set(['admin.revokePasskey', 'admin.resetPasskeys', 'passkey.delete']);

type AuditHistory = ReturnType<HandlerContext['rp']['admin']['searchAudit']>['entries'];

/**
 * Why an account refuses logins, from its newest-first history: locked by support (the
 * admin.lockAccount row) or by the RP after too many failures (the failure row that locked it),
 * or throttled for a while (`until`), since the newest refused password or code; null when neither.
 */
function lockOf(account: { locked: boolean; failedLogins: number }, lockedUntil: string | null, history: AuditHistory): AccountView['lock'] {
  if (account.locked) {
    const row = history.find((e) => e.action === 'admin.lockAccount' || (e.code === 'ACCOUNT_LOCKED' && typeof e.details.failedLogins === 'number'));
    if (!row) return { reason: null, ticket: null, by: 'rp', at: '', until: null };
    const reason = typeof row.details.reason === 'string' ? row.details.reason : `too many failed logins (${String(row.details.failedLogins)})`;
    return { reason, ticket: typeof row.details.ticket === 'string' ? row.details.ticket : null, by: row.actor, at: iso(row.at), until: null };
  }
  if (!lockedUntil) return null;
  const since = history.find((e) => e.outcome === 'failure' && (e.action === 'login.password' || e.action === 'stepup.verify'));
  const reason = account.failedLogins > 0 ? `too many failed logins (${account.failedLogins}); logins are refused until then` : 'too many wrong one-time codes; logins are refused until then';
  return { reason, ticket: null, by: 'rp', at: since ? iso(since.at) : '', until: lockedUntil };
}

/**
 * Customers: the back office's account actions (create, list, show, lock / unlock through
 * core/rp's admin operations, audited as the caller) and the customer's own journeys, played
 * through core/journey: the OTP service's 申込, passkey enrolment and passkey login.
 */
export function userHandlers(ctx: HandlerContext): Pick<HarnessImplementation, UserChannels> {
  const { rp, world } = ctx;
  const admin = ctx.caller.name;

  async function setLocked(username: string, locked: boolean, why: { reason: string; ticket?: string }) {
    const { accountId } = await findAccount(ctx, username);
    const opts = { admin, accountId, reason: why.reason, ...(why.ticket ? { ticket: why.ticket } : {}) };
    if (locked) rp.admin.lockAccount(opts);
    else rp.admin.unlockAccount(opts);
    return toUserSummary(await findAccount(ctx, username));
  }

  /**
   * The harness speaks as a support tool, not as the customer-facing RP (whose HTTP answers keep
   * unknown, locked and wrong-password alike): an unknown user is ACCOUNT_NOT_FOUND and a locked
   * one ACCOUNT_LOCKED, for enroll, login and the OTP service's 申込 alike, before any ceremony starts.
   */
  async function requireUsable(username: string) {
    const account = await findAccount(ctx, username);
    if (account.locked) throw new HarnessError('ACCOUNT_LOCKED', `customer ${username} is locked (pkh user unlock ${username} --reason …)`);
    return account;
  }

  return {
    async 'users.create'({ username, password, displayName, emails }) {
      // Audited by core/rp as account.create by the caller (no second row).
      await rp.createAccount({ admin, loginId: username, password, tradingPassword: `${password}-trading`, displayName: displayName ?? username, emails: emails.length ? emails : [`${username}@example.test`] });
      return toUserSummary(await findAccount(ctx, username));
    },
    async 'users.list'({ query }) {
      const { accounts } = await rp.admin.searchAccounts({ admin, query: query ?? '' });
      return accounts.map(toUserSummary);
    },
    async 'users.show'({ username }) {
      const account = await findAccount(ctx, username);
      const { passkeys } = await rp.admin.listPasskeys({ admin, accountId: account.accountId });
      const summary = toUserSummary(account);
      const registrationInfo = registrationInfoRows({ passkeyActive: passkeys.some((p) => p.revokedAt === null), otpActive: summary.otpEnrolled });
      return { ...summary, registrationInfo, passkeys: passkeys.map((p) => toPasskeyView(username, p, ctx)) };
    },
    async 'users.account'({ username, auditLimit }) {
      const account = await findAccount(ctx, username);
      const { accountId } = account;
      const { passkeys } = rp.admin.listPasskeys({ admin, accountId });
      const { sessions } = rp.admin.listSessions({ admin, accountId });
      // The whole account history (newest first) answers "who revoked it" and "why is it locked"; a page of it is shown.
      const history = rp.admin.searchAudit({ admin, accountId, limit: 500 }).entries;
      const revokedBy = (credentialId: string) => {
        const row = history.find((e) => REVOKING.has(e.action) && e.outcome === 'success' && (e.details.credentialId === credentialId || e.action === 'admin.resetPasskeys'));
        return row?.actor ?? null;
      };
      const logins = new Map<number, string | null>([[accountId, username]]);
      const summary = toUserSummary(account);
      const view: AccountView = {
        ...summary,
        status: account.locked ? 'locked' : summary.lockedUntil ? 'throttled' : 'active',
        failedLogins: account.failedLogins,
        lock: lockOf(account, summary.lockedUntil, history),
        sessions: sessions.map((x) => ({ sessionId: x.sessionId, createdAt: iso(x.createdAt), lastSeenAt: iso(x.lastSeenAt), stepUpAt: isoOrNull(x.stepUpAt), stepUpMethod: x.stepUpMethod })),
        passkeys: passkeys.map((p) => {
          const revoked = p.revokedAt === null ? undefined : rp.admin.inspectPasskey({ admin, passkeyId: p.passkeyId });
          return { ...toPasskeyView(username, p, ctx), revokeReason: revoked?.revokeReason ?? null, revokeTicket: revoked?.revokeTicket ?? null, revokedBy: p.revokedAt === null ? null : revokedBy(p.credentialId) };
        }),
        audit: history.slice(0, auditLimit).map((e) => toAuditEntry(ctx, e, logins)),
      };
      return view;
    },
    async 'users.endSessions'({ username, reason, ticket }) {
      const { accountId } = await findAccount(ctx, username);
      const { sessionsEnded } = rp.admin.endSessions({ admin, accountId, reason, ...(ticket ? { ticket } : {}) });
      return { username, sessionsEnded };
    },
    'users.lock': ({ username, reason, ticket }) => setLocked(username, true, { reason, ticket }),
    'users.unlock': ({ username, reason, ticket }) => setLocked(username, false, { reason, ticket }),
    async 'otp.enroll'({ username, password }) {
      // The customer's way in (DESIGN §1, 申込): a fresh email step-up for 'otp-enrollment',
      // then the RP issues the secret and the "app" confirms with its first code.
      const { accountId } = await requireUsable(username);
      await seatUser(ctx, username, password);
      const user = await passwordLogin(world, username, password);
      const sent = await sendEmailCode(world, user, undefined, 'otp-enrollment');
      await enterCode(world, user, await readCode(world, user, sent.address), 'otp-enrollment');
      const sessionId = user.sessionId!;
      const { uri, secret } = await rp.enrollOtp({ sessionId });
      user.otpUri = uri;
      await rp.confirmOtp({ sessionId, code: totpNow(world, user) });
      // The RP audited the customer's side; this row says an admin drove it and was shown the secret (never stored here).
      recordAction(ctx, 'otp.enroll', { accountId, details: { secretShown: true } });
      return { username, secret, uri };
    },
    async enroll({ username, password, phone, stepUp, email, decision, passkeyName, attestation, faults }) {
      if (faults?.counterRegression || faults?.replayChallenge) throw new HarnessError('INVALID_INPUT', 'counterRegression and replayChallenge are login faults');
      const { accountId } = await requireUsable(username);
      await seatUser(ctx, username, password);
      const seated = seatPhone(ctx, phone);
      seated.faults = { ...faults };
      // A fault that silently does nothing is a trap: fmt none carries no signature to corrupt.
      const { attestation: fmt, label } = resolveProfile(seated.profile);
      if (faults?.corruptSignature && (fmt === 'none' || attestation === 'none')) {
        throw new HarnessError('INVALID_INPUT', `corruptSignature at registration needs a signed attestation statement: ask for attestation direct from a profile that has one (${label} attests ${fmt})`);
      }
      const { steps, passkey } = await enrollFlow(world, { username, password, phone, stepUp, email, decision, passkeyName, attestation });
      recordAction(ctx, 'enroll', { accountId, details: { phone, credentialId: passkey.credentialId, stepUp, decision, faults: armedFaults(faults) } });
      return { username, phone, stepUp, steps, passkey: toPasskeyView(username, passkey, ctx) };
    },
    async login({ username, phone, mode, decision, faults }) {
      if (username !== undefined) await requireUsable(username);
      const seated = seatPhone(ctx, phone);
      // A replay needs an earlier response: without one in this harness, log in once cleanly first.
      if (faults?.replayChallenge && !world.lastLogin) await passkeyLogin(world, { username, phone, mode, decision });
      seated.faults = { ...faults };
      const { result, steps } = await passkeyLogin(world, { username, phone, mode, decision, replay: faults?.replayChallenge === true });
      const used = await rp.admin.inspectPasskey({ admin, passkeyId: result.passkeyId });
      recordAction(ctx, 'login', { accountId: used.accountId, details: { phone, credentialId: used.credentialId, mode, decision, faults: armedFaults(faults) } });
      return { username: result.loginId, mode, credentialId: used.credentialId, userVerified: result.userVerified, signCount: result.counter, steps };
    },
  };
}
