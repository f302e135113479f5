import type { HarnessErrorCode } from '../errors.js';
import type { EnrollFlowOptions, FlowStep, PasskeyLoginOptions } from '../journey/index.js';
import type { PasskeySummary, RegistrationInfoRow, Rp } from '../rp/index.js';
import type { RunReport, StepResult } from '../scenario/index.js';
import type { AdminRole } from './channels.js';
import type { VaultKeyInfo } from './resolveVaultSecret.js';
import type { BrokenBlob, MdsListEntry } from '../mds/types.js';

/**
 * Result shapes of the harness channels. Everything here is JSON-safe (bytes are base64url
 * strings, times are ISO strings) because the same values cross HTTP, Electron IPC and
 * `--json` output unchanged. Unions that have a home elsewhere are re-exported, not redeclared.
 */

export type { LocalAuthDecision } from '../authenticator/index.js';
export type { FlowStep } from '../journey/index.js';
// Declared by the scenario room (which never imports the harness); part of the harness API.
export type { RunReport, ScenarioValidation } from '../scenario/index.js';

export type StepUpMethod = EnrollFlowOptions['stepUp'];
export type LoginMode = PasskeyLoginOptions['mode'];

export interface UserSummary {
  username: string;
  displayName: string;
  emails: string[];
  locked: boolean;
  /** Until when the RP itself refuses logins (throttling after failures, step-up code lockout); null when it does not. */
  lockedUntil: string | null;
  otpEnrolled: boolean;
  passkeyCount: number;
}

/** core/rp's 登録情報照会 row as the screen shows it (e.g. パスキー: 未登録 → 登録). */
export interface RegistrationInfoDisplayRow {
  key: RegistrationInfoRow['key'];
  label: string;
  status: string;
  actions: string[];
}

/** core/rp's `PasskeySummary` made JSON-safe for support views: times as ISO strings, the login ID beside it. */
/** `attestation`: what the RP decided at registration (format, trust path, the model's MDS description/icon/status), null for older passkeys. */
export interface PasskeyView extends Pick<PasskeySummary, 'credentialId' | 'name' | 'aaguid' | 'authenticatorName' | 'transports' | 'backupEligible' | 'backupState' | 'attestation'> {
  username: string;
  /** core/rp's `counter`. */
  signCount: number;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** `admin.inspect`: the view plus what only inspection shows (format, algorithm, flags, COSE key as base64url, revocation). */
export type PasskeyDetail = PasskeyView & Pick<ReturnType<Rp['admin']['inspectPasskey']>, 'fmt' | 'attestation' | 'alg' | 'flags' | 'publicKeyCose' | 'revokeReason' | 'revokeTicket'>;

export interface UserDetail extends UserSummary {
  registrationInfo: RegistrationInfoDisplayRow[];
  passkeys: PasskeyView[];
}

export interface OtpEnrollment {
  username: string;
  secret: string;
  uri: string;
}

export interface MailMessage {
  id: string;
  to: string;
  subject: string;
  text: string;
  sentAt: string;
  /** Set when one-time codes in subject/text were replaced by ••••••: a viewer reads mail without the codes (only operators see them). */
  codesMasked?: true;
}

export interface PhoneSummary {
  name: string;
  profile: string;
  profileLabel: string;
  credentialCount: number;
  createdAt: string;
}

export interface PhoneCredential {
  credentialId: string;
  rpId: string;
  userName: string;
  /** The user's display name as the RP last gave it (registration or signalCurrentUserDetails). */
  userDisplayName?: string;
  userHandle: string;
  algorithm: number;
  signCount: number;
  discoverable: boolean;
  /** The phone profile's backup flags (BE / BS in authenticator data). */
  backupEligible?: boolean;
  backupState?: boolean;
  createdAt: string;
  lastUsedAt?: string | null;
  /** Set when an RP signal (WebAuthn Signal API) removed it from the phone: the phone no longer offers it. */
  removedBySignal?: { signal: string; at: string; origin: string };
}

/** What a phone did with an RP's Signal API call. */
export interface PhoneSignalResult {
  phone: string;
  signal: 'unknownCredential' | 'allAcceptedCredentials' | 'currentUserDetails';
  /** Credentials the phone removed (no longer offered). */
  removed: string[];
  /** Credentials whose user name / display name changed. */
  updated: string[];
}

/** A support agent's view of one customer (`users.account`). */
export interface AccountView extends UserSummary {
  /** locked: by support (until unlocked); throttled: by the RP for a while after failures (`lock.until`). */
  status: 'active' | 'locked' | 'throttled';
  /** Consecutive wrong passwords since the last success or unlock (throttling starts at 5). */
  failedLogins: number;
  /** Why it is locked (the lock's audit row), when it is. */
  lock: { reason: string | null; ticket: string | null; by: string; at: string; until: string | null } | null;
  sessions: { sessionId: number; createdAt: string; lastSeenAt: string; stepUpAt: string | null; stepUpMethod: string | null }[];
  passkeys: (PasskeyView & { revokeReason: string | null; revokeTicket: string | null; revokedBy: string | null })[];
  audit: AuditEntry[];
}

export interface AuditPage {
  entries: AuditEntry[];
  total: number;
  offset: number;
  limit: number;
}

export interface ShippedScenario {
  name: string;
  /** First line of the scenario: its `name:`. */
  title: string;
  text: string;
}

export interface PhoneDetail extends PhoneSummary {
  credentials: PhoneCredential[];
}

/** Portable phone export (owned by core/authenticator's vault); opaque to the harness. */
export type PhoneExportData = Record<string, unknown>;

export interface EnrollResult {
  username: string;
  phone: string;
  stepUp: StepUpMethod;
  steps: FlowStep[];
  passkey: PasskeyView;
}

export interface LoginResult {
  username: string;
  mode: LoginMode;
  credentialId: string;
  userVerified: boolean;
  signCount: number;
  steps: FlowStep[];
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  /** The customer's login ID for `target` (the account's numeric ID), when it still exists. */
  targetLogin?: string | null;
  outcome: string;
  details: Record<string, unknown>;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  firstBrokenSeq: number | null;
  /** Rows deleted (gaps, and the newest rows when the head is behind its signed checkpoint); 0 when intact. */
  missing: number;
  /** What verification found, in words (empty when intact). */
  problems: string[];
}

export interface RevokeResult {
  credentialId: string;
  revokedAt: string;
}

export interface ResetResult {
  username: string;
  revoked: number;
}

export interface ScenarioRunStarted {
  runId: string;
  /** Scenario runs to expect (scenarios × repeat). */
  total: number;
}

/**
 * One thing that happened in a started run, numbered from 1 in the order it happened. A
 * scenario's `step` events (in step order) come just before its `scenario` event, when that
 * scenario finishes: core/scenario reports progress per finished scenario.
 */
export type ScenarioProgressEvent =
  | { seq: number; type: 'step'; scenario: string; file: string; iteration: number; step: StepResult }
  | {
      seq: number;
      type: 'scenario';
      scenario: string;
      file: string;
      iteration: number;
      status: 'passed' | 'failed';
      /** Scenario runs finished so far, out of `total`. */
      done: number;
      total: number;
      durationMs: number;
      failure?: { step: string; index: number; code: string; message: string };
    };

export interface ScenarioProgress {
  runId: string;
  events: ScenarioProgressEvent[];
  done: boolean;
  /** When done: the same report `scenarios.run` returns. */
  result?: RunReport;
  /** When done because the runner itself failed (not a failing step). */
  error?: { code: HarnessErrorCode; message: string };
}

/** Who is calling: the admin user every admin action is audited under. */
export interface HarnessCaller {
  name: string;
  role: AdminRole;
}

export interface HarnessInfo {
  version: string;
  rpId: string;
  origin: string;
  dbPath: string;
  profiles: { id: string; label: string }[];
  /** The authenticated caller, so the console shows destructive buttons only to operators. */
  caller: HarnessCaller;
  /** The phones' vault and where its key comes from (absent for memory phones); never the key itself. */
  vault?: VaultKeyInfo;
  /**
   * The origin the console's phone frames load the customer pages from (a second loopback port: no
   * console, no harness API there), so a customer page cannot reach the console's token or bridge.
   * Absent: frame the pages from the console's own origin.
   */
  phoneFrameOrigin?: string;
}

/** `ca.export` / `mds.root`: certificates as one PEM text and as base64 DER, leaf first. */
export interface CertificateExport {
  /** Subject of the first certificate. */
  subject: string;
  pem: string;
  der: string[];
}

export interface MdsBlobResult {
  /** The compact JWS. */
  blob: string;
  no: number;
}

export interface MdsListing {
  no: number;
  /** A broken BLOB the harness serves instead of the good one, or null. */
  serving: BrokenBlob | null;
  entries: MdsListEntry[];
}

export interface MdsStatusResult {
  aaguid: string;
  no: number;
  report: { status: string; effectiveDate?: string };
}

export interface MdsServing {
  serving: BrokenBlob | null;
  no: number;
}
