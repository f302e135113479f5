import { z } from 'zod';
// The file, not core/authenticator/index.ts: the index pulls in the vault (SQLite, node:crypto).
import { LOCAL_AUTH_DECISIONS } from '../authenticator/localAuth.js';
import type { ProfileView } from '../authenticator/profileSchema.js';
import type { CeremonyInspection } from '../inspect/inspectCeremony.js';
import { FAULT_NAMES, type FaultDescription } from '../journey/faults.js';
// Plain constants (no node modules): the statuses and broken-BLOB modes of core/mds.
import { AUTHENTICATOR_STATUSES, BROKEN_BLOBS } from '../mds/types.js';
import { MAX_CONCURRENCY, MAX_REPEAT } from '../scenario/limits.js';
import { MAX_CREDENTIAL_ID_CHARS } from '../webauthn/credentialIdLimits.js';
import type {
  AccountView,
  AuditEntry,
  AuditPage,
  AuditVerification,
  CertificateExport,
  EnrollResult,
  HarnessInfo,
  LoginResult,
  MailMessage,
  MdsBlobResult,
  MdsListing,
  MdsServing,
  MdsStatusResult,
  OtpEnrollment,
  PasskeyDetail,
  PasskeyView,
  PhoneCredential,
  PhoneDetail,
  PhoneExportData,
  PhoneSignalResult,
  PhoneSummary,
  ResetResult,
  ShippedScenario,
  RunReport,
  RevokeResult,
  ScenarioProgress,
  ScenarioRunStarted,
  ScenarioValidation,
  UserDetail,
  UserSummary,
} from './types.js';

/**
 * The one channel map every front end shares (STYLE rule 9): the CLI calls `createHarness`,
 * Electron registers one IPC handler per key, core/http serves `POST /api/harness/:channel`,
 * and the renderer's `HarnessApi` is derived from this object. Inputs are zod schemas so each
 * front end gets the same checks (`bindHarness`); results are JSON-safe types.
 *
 * Browser-safe: zod and browser-safe core files only (the renderer bundles it).
 */
interface Channel<S extends z.ZodType, R> {
  input: S;
  summary: string;
  /** Phantom: carries the result type for `HarnessApi`; never set at runtime. */
  readonly result?: R;
}

function channel<R>() {
  return <S extends z.ZodType>(summary: string, input: S): Channel<S, R> => ({ input, summary });
}

const username = z.string().min(1).max(64);
const phoneName = z.string().min(1).max(64);
// As long as WebAuthn allows (1023 bytes); core checks the base64url itself.
const credentialId = z.string().min(1).max(MAX_CREDENTIAL_ID_CHARS);
const decision = z.enum(LOCAL_AUTH_DECISIONS);
const webauthnJson = z.record(z.string(), z.unknown());
// Admin actions name no actor: it is the authenticated caller (createHarness `actor`, the HTTP
// bearer token), never something the payload can claim.
const reason = z.string().trim().min(1).max(500);
const ticket = z.string().max(64).optional();

// The journey's fault list, by file: core/journey/faults.ts imports nothing, so the renderer can bundle it.
export const authenticatorFaults = z.partialRecord(z.enum(FAULT_NAMES), z.boolean());

const scenarioSource = z.object({ name: z.string().min(1), text: z.string().max(1_000_000) }).strict();
const scenarioRun = z
  .object({
    sources: z.array(scenarioSource).min(1).max(1000),
    seed: z.string().max(128).optional(),
    repeat: z.number().int().min(1).max(MAX_REPEAT).default(1),
    concurrency: z.number().int().min(1).max(MAX_CONCURRENCY).default(1),
  })
  .strict();

export const channels = {
  'harness.info': channel<HarnessInfo>()('Versions, RP ID, origin, database path and built-in phone profiles', z.object({}).strict()),

  'users.create': channel<UserSummary>()(
    'Create a customer account (login ID + login password, registered emails)',
    z
      .object({
        username,
        password: z.string().min(1).max(256).default('password'),
        displayName: z.string().max(128).optional(),
        emails: z.array(z.email()).max(5).default([]),
      })
      .strict(),
  ),
  'users.list': channel<UserSummary[]>()('List customer accounts', z.object({ query: z.string().max(64).optional() }).strict()),
  'users.show': channel<UserDetail>()('One customer with 登録情報照会 rows and passkeys', z.object({ username }).strict()),
  'users.lock': channel<UserSummary>()('Lock a customer account and end its sessions (operator; reason required)', z.object({ username, reason, ticket }).strict()),
  'users.unlock': channel<UserSummary>()('Unlock a customer account and clear its failure counters (operator; reason required)', z.object({ username, reason, ticket }).strict()),

  'users.account': channel<AccountView>()(
    'Support account view: status and lock reason, OTP, emails, live sessions, passkeys with revocation (reason, ticket, who), this account’s audit',
    z.object({ username, auditLimit: z.number().int().min(1).max(500).default(50) }).strict(),
  ),
  'users.endSessions': channel<{ username: string; sessionsEnded: number }>()('End every session of a customer without locking (operator; reason required)', z.object({ username, reason, ticket }).strict()),

  'otp.enroll': channel<OtpEnrollment>()(
    'Enrol the ワンタイムパスワードサービス (TOTP) as the customer would: log in, email step-up, 申込, confirm',
    z.object({ username, password: z.string().min(1).max(256).default('password') }).strict(),
  ),

  'mailbox.list': channel<MailMessage[]>()('Captured outgoing mail, newest first', z.object({ to: z.string().max(320).optional(), limit: z.number().int().min(1).max(1000).optional() }).strict()),
  'mailbox.show': channel<MailMessage>()('One captured message', z.object({ id: z.string().min(1) }).strict()),

  'phones.create': channel<PhoneSummary>()(
    'Create a virtual phone with a built-in profile id or a custom profile object (phones.profileSchema)',
    z.object({ name: phoneName, profile: z.union([z.string().min(1).max(64), z.record(z.string(), z.unknown())]).default('iphone-icloud') }).strict(),
  ),
  'phones.profiles': channel<ProfileView[]>()('Built-in device profiles: AAGUID, algorithms, attestation, BE/BS, counter, transports, UV method', z.object({}).strict()),
  'phones.profileSchema': channel<Record<string, unknown>>()('JSON Schema of a custom device profile (phones.create profile object, --profile-file)', z.object({}).strict()),
  'phones.faults': channel<FaultDescription[]>()('Faults a phone can be armed with (enroll/login faults, phones.createCredential/getAssertion)', z.object({}).strict()),
  'phones.list': channel<PhoneSummary[]>()('List virtual phones', z.object({}).strict()),
  'phones.show': channel<PhoneDetail>()('One phone and its credentials', z.object({ name: phoneName }).strict()),
  'phones.rename': channel<PhoneSummary>()('Rename a phone', z.object({ name: phoneName, newName: phoneName }).strict()),
  'phones.export': channel<PhoneExportData>()('Export a phone with its credentials (private keys included)', z.object({ name: phoneName }).strict()),
  'phones.import': channel<PhoneSummary>()('Import a phone export', z.object({ data: z.record(z.string(), z.unknown()), name: phoneName.optional() }).strict()),
  'phones.delete': channel<{ name: string; deleted: true }>()('Delete a phone and its credentials', z.object({ name: phoneName }).strict()),
  'phones.credentials': channel<PhoneCredential[]>()('Credentials held by a phone', z.object({ name: phoneName }).strict()),
  'phones.removeCredential': channel<{ name: string; credentialId: string; removed: true }>()('Remove one credential from a phone (as DevTools’ WebAuthn pane does)', z.object({ name: phoneName, credentialId }).strict()),
  'phones.exportCredential': channel<PhoneExportData>()('Export one credential of a phone as a one-credential phone export (private key included)', z.object({ name: phoneName, credentialId }).strict()),
  'phones.signal': channel<PhoneSignalResult>()(
    'The WebAuthn Signal API reaching a phone (PublicKeyCredential.signalUnknownCredential / signalAllAcceptedCredentials / signalCurrentUserDetails from the page at `origin`); audited',
    z.discriminatedUnion('signal', [
      z.object({ signal: z.literal('unknownCredential'), phone: phoneName, origin: z.string().url(), rpId: z.string().min(1).max(253), credentialId }).strict(),
      z.object({ signal: z.literal('allAcceptedCredentials'), phone: phoneName, origin: z.string().url(), rpId: z.string().min(1).max(253), userId: z.string().min(1).max(128), allAcceptedCredentialIds: z.array(credentialId).max(1000) }).strict(),
      z.object({ signal: z.literal('currentUserDetails'), phone: phoneName, origin: z.string().url(), rpId: z.string().min(1).max(253), userId: z.string().min(1).max(128), name: z.string().max(256), displayName: z.string().max(256) }).strict(),
    ]),
  ),
  'phones.createCredential': channel<Record<string, unknown>>()(
    'navigator.credentials.create() on a phone: creation options JSON in, RegistrationResponseJSON out',
    z.object({ phone: phoneName, options: webauthnJson, origin: z.string().url(), decision: decision.default('approve'), faults: authenticatorFaults.optional() }).strict(),
  ),
  'phones.getAssertion': channel<Record<string, unknown>>()(
    'navigator.credentials.get() on a phone: request options JSON in, AuthenticationResponseJSON out',
    z.object({ phone: phoneName, options: webauthnJson, origin: z.string().url(), decision: decision.default('approve'), faults: authenticatorFaults.optional() }).strict(),
  ),

  enroll: channel<EnrollResult>()(
    'Whole seed flow: log in, 登録情報照会, 登録, step-up (email or TOTP), confirm, local auth, 完了',
    z
      .object({
        username,
        password: z.string().min(1).max(256).default('password'),
        phone: phoneName,
        stepUp: z.enum(['email', 'totp']).default('email'),
        email: z.string().max(320).optional(),
        decision: decision.default('approve'),
        passkeyName: z.string().max(64).optional(),
        attestation: z.enum(['none', 'indirect', 'direct', 'enterprise']).optional(),
        faults: authenticatorFaults.optional(),
      })
      .strict(),
  ),
  login: channel<LoginResult>()(
    'Passkey login: username-first (allowCredentials) or discoverable (usernameless)',
    z
      .object({
        username: username.optional(),
        phone: phoneName,
        mode: z.enum(['username-first', 'discoverable']).default('username-first'),
        decision: decision.default('approve'),
        faults: authenticatorFaults.optional(),
      })
      .strict(),
  ),

  'admin.passkeys': channel<PasskeyView[]>()('Passkeys of a customer (viewer)', z.object({ username }).strict()),
  'admin.inspect': channel<PasskeyDetail>()('One passkey in detail (viewer)', z.object({ credentialId }).strict()),
  'admin.revoke': channel<RevokeResult>()(
    'Revoke one passkey (operator; reason and ticket required: REASON_REQUIRED otherwise)',
    z.object({ credentialId, reason, ticket }).strict(),
  ),
  'admin.reset': channel<ResetResult>()(
    'Revoke every passkey of a customer (operator; reason and ticket required: REASON_REQUIRED otherwise)',
    z.object({ username, reason, ticket }).strict(),
  ),
  'admin.audit': channel<AuditEntry[]>()(
    'Audit log entries, oldest first',
    z.object({ username: username.optional(), since: z.string().max(64).optional(), limit: z.number().int().min(1).max(10_000).optional() }).strict(),
  ),
  'admin.auditSearch': channel<AuditPage>()(
    'One page of the audit log, newest first, filtered by actor (contains), action (starts with), customer, one passkey (credential ID and/or passkey ID: the rows that name it; unknown → PASSKEY_NOT_FOUND) and time range [from, to)',
    z
      .object({
        actor: z.string().max(128).optional(),
        action: z.string().max(128).optional(),
        username: username.optional(),
        credentialId: credentialId.optional(),
        passkeyId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
        from: z.iso.datetime({ offset: true }).optional(),
        to: z.iso.datetime({ offset: true }).optional(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(500).default(50),
      })
      .strict(),
  ),
  'admin.verifyAudit': channel<AuditVerification>()('Check the audit hash chain', z.object({}).strict()),

  'inspect.ceremony': channel<CeremonyInspection>()(
    'Decode a registration or authentication response (clientData, authData, attStmt, COSE key) and check each stateless WebAuthn §7.1/§7.2 step',
    z
      .object({
        response: webauthnJson,
        rpId: z.string().min(1).max(253).optional(),
        origin: z.string().url().optional(),
        challenge: z.string().max(1024).optional(),
      })
      .strict(),
  ),

  'scenarios.list': channel<ShippedScenario[]>()('The scenarios shipped with the harness (examples/scenarios), to pick from', z.object({}).strict()),
  'scenarios.validate': channel<ScenarioValidation[]>()('Validate scenario YAML sources', z.object({ sources: z.array(scenarioSource).min(1).max(1000) }).strict()),
  'scenarios.run': channel<RunReport>()('Run scenario YAML sources, each in a fresh database', scenarioRun),
  // Live progress over plain request/response (same on IPC and HTTP): start returns a run ID at
  // once, then the caller polls progress with the last event seq it has seen.
  'scenarios.start': channel<ScenarioRunStarted>()('Start a scenario run in the background (same input as scenarios.run); poll scenarios.progress', scenarioRun),
  'scenarios.progress': channel<ScenarioProgress>()(
    'Events of a started run after seq `after`; done with the same report scenarios.run returns',
    z.object({ runId: z.string().min(1).max(64), after: z.number().int().min(0).optional() }).strict(),
  ),

  'ca.export': channel<CertificateExport>()(
    "The installation's attestation root (PEM + DER), or with `chain` a profile's x5c chain (leaf first)",
    z.object({ chain: z.string().min(1).max(64).optional() }).strict(),
  ),
  'mds.root': channel<CertificateExport>()('The MDS root an RP pins to trust the local metadata BLOB', z.object({}).strict()),
  'mds.blob': channel<MdsBlobResult>()(
    'The local FIDO MDS3 metadata BLOB (compact JWS); `broken` spoils one copy on purpose',
    z.object({ broken: z.enum(BROKEN_BLOBS).optional() }).strict(),
  ),
  'mds.list': channel<MdsListing>()('Models in the local MDS with the status in force today', z.object({}).strict()),
  'mds.status': channel<MdsStatusResult>()(
    'Append a status report for a model (bumps the BLOB serial number; operator)',
    z
      .object({
        aaguid: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'a lowercase UUID'),
        status: z.enum(AUTHENTICATOR_STATUSES),
        effective: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD').optional(),
      })
      .strict(),
  ),
  'mds.serve': channel<MdsServing>()('Serve a broken BLOB from now on, or null for the good one (operator)', z.object({ broken: z.enum(BROKEN_BLOBS).nullable() }).strict()),
} as const;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
export const CHANNEL_NAMES = Object.keys(channels) as ChannelName[];

export type ChannelInput<K extends ChannelName> = z.input<Channels[K]['input']>;
/** The input after zod applied defaults: what implementations receive. */
export type ChannelArgs<K extends ChannelName> = z.output<Channels[K]['input']>;
export type ChannelResult<K extends ChannelName> = NonNullable<Channels[K]['result']>;

/** One async method per channel; callers pass the raw input, implementations see parsed args. */
export type HarnessApi = { [K in ChannelName]: (input: ChannelInput<K>) => Promise<ChannelResult<K>> };

/** What createHarness implements (inputs already validated and defaulted by bindHarness). */
export type HarnessImplementation = { [K in ChannelName]: (args: ChannelArgs<K>) => Promise<ChannelResult<K>> };

export type AdminRole = 'viewer' | 'operator';

/**
 * Channels a `viewer` may call (inspect only). Every other channel changes something (an
 * account, a phone, a passkey, the mailbox) or runs work, so it needs an `operator`.
 */
export const VIEWER_CHANNELS: ReadonlySet<ChannelName> = new Set<ChannelName>([
  'harness.info',
  'users.list',
  'users.show',
  'users.account',
  'mailbox.list',
  'mailbox.show',
  'phones.list',
  'phones.profiles',
  'phones.profileSchema',
  'phones.faults',
  'phones.show',
  'phones.credentials',
  'admin.passkeys',
  'admin.inspect',
  'admin.audit',
  'admin.auditSearch',
  'admin.verifyAudit',
  'scenarios.list',
  'inspect.ceremony',
  'scenarios.validate',
  'ca.export',
  'mds.root',
  'mds.blob',
  'mds.list',
]);

export function requiredRole(channel: ChannelName): AdminRole {
  return VIEWER_CHANNELS.has(channel) ? 'viewer' : 'operator';
}

export function isChannelName(value: string): value is ChannelName {
  return Object.prototype.hasOwnProperty.call(channels, value);
}

