import type { RunReport, StepResult } from '../scenario/report.js';

/**
 * Result shapes of the harness channels. Everything here is JSON-safe (bytes are base64url
 * strings, times are ISO strings) because the same values cross HTTP, Electron IPC and
 * `--json` output unchanged.
 */

export type LocalAuthDecision = 'approve' | 'deny' | 'timeout' | 'uv-unavailable';
export type StepUpMethod = 'email' | 'totp';
export type LoginMode = 'username-first' | 'discoverable';

export interface UserSummary {
  username: string;
  displayName: string;
  emails: string[];
  locked: boolean;
  otpEnrolled: boolean;
  passkeyCount: number;
}

/** One row of 登録情報照会 → パスワード関連 (e.g. パスキー: 未登録 → 登録). */
export interface RegistrationInfoRow {
  key: string;
  label: string;
  status: string;
  actions: string[];
}

export interface PasskeySummary {
  credentialId: string;
  username: string;
  name: string;
  aaguid: string;
  /** The AAGUID's authenticator, from the RP's table (e.g. "iCloud Keychain"). */
  authenticatorName: string;
  transports: string[];
  backupEligible: boolean;
  backupState: boolean;
  signCount: number;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface UserDetail extends UserSummary {
  registrationInfo: RegistrationInfoRow[];
  passkeys: PasskeySummary[];
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
  userHandle: string;
  algorithm: number;
  signCount: number;
  discoverable: boolean;
  createdAt: string;
}

export interface PhoneDetail extends PhoneSummary {
  credentials: PhoneCredential[];
}

/** Portable phone export (owned by core/authenticator's vault); opaque to the harness. */
export type PhoneExportData = Record<string, unknown>;

/** One screen of the seed flow: STEP1 … STEP6 and 完了 (DESIGN §1). */
export interface FlowStep {
  step: string;
  title: string;
  detail: string;
  skipped?: boolean;
}

export interface EnrollResult {
  username: string;
  phone: string;
  stepUp: StepUpMethod;
  steps: FlowStep[];
  passkey: PasskeySummary;
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
  outcome: string;
  details: Record<string, unknown>;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  firstBrokenSeq: number | null;
}

export interface RevokeResult {
  credentialId: string;
  revokedAt: string;
}

export interface ResetResult {
  username: string;
  revoked: number;
}

// Declared by the scenario room (which never imports the harness); part of the harness API.
export type { ScenarioValidation } from '../scenario/index.js';

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
  error?: { code: string; message: string };
}

/** Who is calling: the admin user every admin action is audited under. */
export interface HarnessCaller {
  name: string;
  role: 'viewer' | 'operator';
}

export interface HarnessInfo {
  version: string;
  rpId: string;
  origin: string;
  dbPath: string;
  profiles: { id: string; label: string }[];
  /** The authenticated caller, so the console shows destructive buttons only to operators. */
  caller: HarnessCaller;
}
