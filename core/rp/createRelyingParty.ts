import { systemClock, type Clock } from '../clock.js';
import { HarnessError } from '../errors.js';
import { outboxMailer, type Mailer } from '../mail/index.js';
import { systemRandom, type Random } from '../random.js';
import type { Store } from '../store/index.js';
import { fromBase64url, toBase64url } from '../webauthn/index.js';
import { createAccount } from './account/createAccount.js';
import { getRegistrationInfo } from './account/getRegistrationInfo.js';
import { listEmails } from './account/listEmails.js';
import { listMail } from './account/listMail.js';
import { listPasskeys } from './account/listPasskeys.js';
import { listSignalData } from './account/listSignalData.js';
import { deletePasskey } from './account/deletePasskey.js';
import { createAdmin } from './admin/createAdmin.js';
import { endSessions } from './admin/endSessions.js';
import { findPasskey } from './admin/findPasskey.js';
import { inspectPasskey } from './admin/inspectPasskey.js';
import { listPasskeys as adminListPasskeys } from './admin/listPasskeys.js';
import { listSessions } from './admin/listSessions.js';
import { lockAccount } from './admin/lockAccount.js';
import { readAudit } from './admin/readAudit.js';
import { recordHarnessAction } from './admin/recordHarnessAction.js';
import { recordPhoneSignal } from './admin/recordPhoneSignal.js';
import { resetPasskeys } from './admin/resetPasskeys.js';
import { revokePasskey } from './admin/revokePasskey.js';
import { searchAccounts } from './admin/searchAccounts.js';
import { searchAudit } from './admin/searchAudit.js';
import { unlockAccount } from './admin/unlockAccount.js';
import { verifyAudit } from './admin/verifyAudit.js';
import { finishLogin } from './authentication/finishLogin.js';
import { startLogin } from './authentication/startLogin.js';
import type { RpContext } from './context.js';
import { DEFAULT_POLICY, type RpPolicy } from './policy.js';
import { checkAttestationSettings } from './attestation/checkAttestationSettings.js';
import type { RpTrust } from './attestation/types.js';
import { finishRegistration } from './registration/finishRegistration.js';
import { startRegistration } from './registration/startRegistration.js';
import { getSession } from './session/getSession.js';
import { login } from './session/login.js';
import { logout } from './session/logout.js';
import { purgeExpired } from './session/purgeExpired.js';
import { confirmOtp } from './stepUp/confirmOtp.js';
import { enrollOtp } from './stepUp/enrollOtp.js';
import { sendStepUpEmail } from './stepUp/sendStepUpEmail.js';
import { verifyStepUp } from './stepUp/verifyStepUp.js';

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
  /** Ceremony-visible randomness (user handles); seeded for reproducible runs. */
  random?: Random;
  /** Secrets' randomness (see `RpContext.secrets`): the OS CSPRNG by default, whatever `random` is. */
  secrets?: Random;
  /** Defaults to the captured outbox in the same store. */
  mailer?: Mailer;
  policy?: Partial<RpPolicy>;
  /** Attestation roots, pinned MDS roots and the metadata source (none by default: every x5c is untrusted). */
  trust?: Partial<RpTrust>;
}

/**
 * The relying party: binds every operation file (`verb(ctx, opts)`) to one context, so callers write
 * `rp.startLogin(opts)`. The per-database secret (fake credential IDs) is created on first use.
 */
export function createRelyingParty({ store, rpId, rpName, origins, clock = systemClock, random = systemRandom, secrets = systemRandom, mailer, policy = {}, trust = {} }: CreateRelyingPartyOptions) {
  if (typeof rpId !== 'string' || rpId === '') throw new HarnessError('CONFIG_INVALID', 'rpId is required');
  if (!Array.isArray(origins) || origins.length === 0) throw new HarnessError('CONFIG_INVALID', 'at least one origin is required');
  const secret = fromBase64url(store.meta.getOrInit('rp.secret', toBase64url(secrets.bytes(32))));
  const ctx: RpContext = {
    store,
    rpId,
    rpName,
    origins: [...origins],
    clock,
    random,
    secrets,
    mailer: mailer ?? outboxMailer(store, { clock }),
    policy: checkAttestationSettings({ ...DEFAULT_POLICY, ...policy }),
    secret,
    trust: { attestationRoots: [...(trust.attestationRoots ?? [])], mdsRoots: [...(trust.mdsRoots ?? [])], ...(trust.metadata ? { metadata: trust.metadata } : {}) },
    metadataCache: {},
  };
  return {
    rpId,
    rpName,
    origins: [...origins],
    policy: { ...ctx.policy },
    createAccount: bind(ctx, createAccount),
    login: bind(ctx, login),
    logout: bind(ctx, logout),
    /** Housekeeping, not a customer operation: expired sessions, challenges and codes go (`{ now? }`). */
    purgeExpired: bind(ctx, purgeExpired),
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
    listSignalData: bind(ctx, listSignalData),
    deletePasskey: bind(ctx, deletePasskey),
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
      listSessions: bind(ctx, listSessions),
      endSessions: bind(ctx, endSessions),
      searchAudit: bind(ctx, searchAudit),
      recordPhoneSignal: bind(ctx, recordPhoneSignal),
      recordHarnessAction: bind(ctx, recordHarnessAction),
    },
  };
}

export type RelyingParty = ReturnType<typeof createRelyingParty>;
/** Alias used in docs/CONTRACTS.md. */
export type Rp = RelyingParty;
