import { systemClock, type Clock } from '../clock.js';
import { HarnessError } from '../errors.js';
import type { Mailer } from '../mail/mailer.js';
import { outboxMailer } from '../mail/outboxMailer.js';
import { systemRandom, type Random } from '../random.js';
import type { Store } from '../store/openStore.js';
import { fromBase64url, toBase64url } from '../webauthn/base64url.js';
import { createAdmin } from './admin/createAdmin.js';
import { findPasskey } from './admin/findPasskey.js';
import { inspectPasskey } from './admin/inspectPasskey.js';
import { listPasskeys as adminListPasskeys } from './admin/listPasskeys.js';
import { lockAccount } from './admin/lockAccount.js';
import { readAudit } from './admin/readAudit.js';
import { resetPasskeys } from './admin/resetPasskeys.js';
import { revokePasskey } from './admin/revokePasskey.js';
import { searchAccounts } from './admin/searchAccounts.js';
import { unlockAccount } from './admin/unlockAccount.js';
import { verifyAudit } from './admin/verifyAudit.js';
import { confirmOtp } from './confirmOtp.js';
import type { RpContext } from './context.js';
import { createAccount } from './createAccount.js';
import { enrollOtp } from './enrollOtp.js';
import { finishLogin } from './finishLogin.js';
import { finishRegistration } from './finishRegistration.js';
import { getRegistrationInfo } from './getRegistrationInfo.js';
import { getSession } from './getSession.js';
import { listEmails } from './listEmails.js';
import { listMail } from './listMail.js';
import { listPasskeys } from './listPasskeys.js';
import { login } from './login.js';
import { logout } from './logout.js';
import { DEFAULT_POLICY, type RpPolicy } from './policy.js';
import { sendStepUpEmail } from './sendStepUpEmail.js';
import { startLogin } from './startLogin.js';
import { startRegistration } from './startRegistration.js';
import { verifyStepUp } from './verifyStepUp.js';

type Op<F> = F extends (ctx: RpContext, ...args: infer A) => infer R ? (...args: A) => R : never;
const bind = <F extends (ctx: RpContext, ...args: never[]) => unknown>(ctx: RpContext, fn: F) => ((...args: unknown[]) => (fn as unknown as (...a: unknown[]) => unknown)(ctx, ...args)) as Op<F>;

export interface CreateRelyingPartyOptions {
  store: Store;
  /** The RP ID (a registrable domain suffix of every origin), e.g. 'localhost'. */
  rpId: string;
  rpName: string;
  /** Exact origins accepted in clientDataJSON, e.g. ['http://localhost:8787']. */
  origins: string[];
  clock?: Clock;
  random?: Random;
  /** Defaults to the captured outbox in the same store. */
  mailer?: Mailer;
  policy?: Partial<RpPolicy>;
}

export function createRelyingParty({ store, rpId, rpName, origins, clock = systemClock, random = systemRandom, mailer, policy = {} }: CreateRelyingPartyOptions) {
  if (typeof rpId !== 'string' || rpId === '') throw new HarnessError('CONFIG_INVALID', 'rpId is required');
  if (!Array.isArray(origins) || origins.length === 0) throw new HarnessError('CONFIG_INVALID', 'at least one origin is required');
  const secret = fromBase64url(store.meta.getOrInit('rp.secret', toBase64url(random.bytes(32))));
  const ctx: RpContext = {
    store,
    rpId,
    rpName,
    origins: [...origins],
    clock,
    random,
    mailer: mailer ?? outboxMailer(store, { clock }),
    policy: { ...DEFAULT_POLICY, ...policy },
    secret,
  };
  return {
    rpId,
    rpName,
    origins: [...origins],
    policy: { ...ctx.policy },
    createAccount: bind(ctx, createAccount),
    login: bind(ctx, login),
    logout: bind(ctx, logout),
    getSession: bind(ctx, getSession),
    getRegistrationInfo: bind(ctx, getRegistrationInfo),
    listEmails: bind(ctx, listEmails),
    sendStepUpEmail: bind(ctx, sendStepUpEmail),
    verifyStepUp: bind(ctx, verifyStepUp),
    enrollOtp: bind(ctx, enrollOtp),
    confirmOtp: bind(ctx, confirmOtp),
    startRegistration: bind(ctx, startRegistration),
    finishRegistration: bind(ctx, finishRegistration),
    listPasskeys: bind(ctx, listPasskeys),
    startLogin: bind(ctx, startLogin),
    finishLogin: bind(ctx, finishLogin),
    listMail: bind(ctx, listMail),
    admin: {
      createAdmin: bind(ctx, createAdmin),
      searchAccounts: bind(ctx, searchAccounts),
      listPasskeys: bind(ctx, adminListPasskeys),
      findPasskey: bind(ctx, findPasskey),
      inspectPasskey: bind(ctx, inspectPasskey),
      revokePasskey: bind(ctx, revokePasskey),
      resetPasskeys: bind(ctx, resetPasskeys),
      lockAccount: bind(ctx, lockAccount),
      unlockAccount: bind(ctx, unlockAccount),
      readAudit: bind(ctx, readAudit),
      verifyAudit: bind(ctx, verifyAudit),
    },
  };
}

export type RelyingParty = ReturnType<typeof createRelyingParty>;
/** Alias used in docs/CONTRACTS.md. */
export type Rp = RelyingParty;
