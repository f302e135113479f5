import { enrollFlow, enterCode, passkeyLogin, passwordLogin, readCode, sendEmailCode, totpNow } from '../../journey/index.js';
import type { HarnessImplementation } from '../channels.js';
import { registrationInfoRows } from '../registrationInfoLabels.js';
import { findAccount, seatPhone, seatUser, toPasskeyView, toUserSummary, type HandlerContext } from './context.js';

type UserChannels = 'users.create' | 'users.list' | 'users.show' | 'users.lock' | 'users.unlock' | 'otp.enroll' | 'enroll' | 'login';

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

  return {
    async 'users.create'({ username, password, displayName, emails }) {
      await rp.createAccount({ loginId: username, password, tradingPassword: `${password}-trading`, displayName: displayName ?? username, emails: emails.length ? emails : [`${username}@example.test`] });
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
      return { ...summary, registrationInfo, passkeys: passkeys.map((p) => toPasskeyView(username, p)) };
    },
    'users.lock': ({ username, reason, ticket }) => setLocked(username, true, { reason, ticket }),
    'users.unlock': ({ username, reason, ticket }) => setLocked(username, false, { reason, ticket }),
    async 'otp.enroll'({ username, password }) {
      // The customer's way in (DESIGN §1, 申込): a fresh email step-up for 'otp-enrollment',
      // then the RP issues the secret and the "app" confirms with its first code.
      await seatUser(ctx, username, password);
      const user = await passwordLogin(world, username, password);
      const sent = await sendEmailCode(world, user, undefined, 'otp-enrollment');
      await enterCode(world, user, await readCode(world, user, sent.address), 'otp-enrollment');
      const sessionId = user.sessionId!;
      const { uri, secret } = await rp.enrollOtp({ sessionId });
      user.otpUri = uri;
      await rp.confirmOtp({ sessionId, code: totpNow(world, user) });
      return { username, secret, uri };
    },
    async enroll({ username, password, phone, stepUp, email, decision, passkeyName, attestation }) {
      await seatUser(ctx, username, password);
      seatPhone(ctx, phone);
      const { steps, passkey } = await enrollFlow(world, { username, password, phone, stepUp, email, decision, passkeyName, attestation });
      return { username, phone, stepUp, steps, passkey: toPasskeyView(username, passkey) };
    },
    async login({ username, phone, mode, decision }) {
      seatPhone(ctx, phone);
      const { result, steps } = await passkeyLogin(world, { username, phone, mode, decision });
      const used = await rp.admin.inspectPasskey({ admin, passkeyId: result.passkeyId });
      // core/rp's login result does not say whether UV was performed; this channel has always answered true.
      return { username: result.loginId, mode, credentialId: used.credentialId, userVerified: true, signCount: result.counter, steps };
    },
  };
}
