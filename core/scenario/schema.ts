import { z } from 'zod';
import { deviceProfileSchema, LOCAL_AUTH_DECISIONS } from '../authenticator/index.js';
import { AUTHENTICATOR_STATUSES, BROKEN_BLOBS } from '../mds/types.js';
import { FAULT_NAMES, FAULTS, type FaultName } from '../journey/index.js';

/**
 * Scenario files (YAML). The runner and `scenario schema` (JSON Schema for editors) both come
 * from these definitions, so what an editor completes is exactly what the runner accepts.
 *
 * A step is `{ do: <action>, name?, expect?, ...params }`; `do` is the discriminator.
 */

const decision = z.enum(LOCAL_AUTH_DECISIONS).describe('Local authentication on the phone (face / fingerprint / PIN)');

// The journey owns the fault list (its phones arm them); re-exported for scenario files' readers.
export { FAULT_NAMES, type FaultName };

export const expectation = z
  .object({
    outcome: z.enum(['ok', 'error']).optional().describe('Whether the step itself succeeded (default: ok, or error when `error` is set)'),
    error: z.string().regex(/^[A-Z][A-Z0-9_]*$/).optional().describe('The HarnessError code the step must fail with'),
    passkeys: z
      .object({ user: z.string().optional(), count: z.number().int().min(0), active: z.boolean().default(true).describe('Count only passkeys not revoked') })
      .strict()
      .optional()
      .describe('Passkey count of a user (server side)'),
    registrationInfo: z
      .record(z.string(), z.string())
      .optional()
      .describe('登録情報照会 rows by key → status, e.g. { passkey: registered, otpService: unregistered }'),
    audit: z
      .array(
        z
          .object({
            action: z.string(),
            outcome: z.string().optional(),
            code: z.string().optional(),
            count: z.number().int().min(0).optional().describe('Exact number of matching entries (default: at least one)'),
            details: z
              .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
              .optional()
              .describe('Top-level detail fields the entry must carry, e.g. { fmt: packed }'),
          })
          .strict(),
      )
      .optional()
      .describe('Audit entries that must be present'),
    mailbox: z
      .object({
        to: z.string().optional(),
        count: z.number().int().min(0).optional(),
        subjectContains: z.string().optional(),
        textContains: z.string().optional(),
      })
      .strict()
      .optional()
      .describe('Captured mailbox contents'),
    phoneCredentials: z.object({ phone: z.string(), count: z.number().int().min(0) }).strict().optional().describe('Credentials held by a virtual phone'),
    auditChain: z.enum(['intact']).optional().describe('The audit hash chain verifies'),
  })
  .strict()
  // `outcome: ok` beside `error: CODE` passed a step that succeeded: the code it must fail with was never checked.
  .refine((e) => !(e.outcome === 'ok' && e.error !== undefined), { path: ['outcome'], message: 'outcome: ok contradicts error: a step with an expected error code fails (drop outcome, or write outcome: error)' });

const base = {
  name: z.string().min(1).max(200).optional().describe('Step name used in reports (default: "<n>: <do>")'),
  expect: expectation.optional(),
};

function step<A extends string, P extends z.ZodRawShape>(action: A, description: string, params: P) {
  return z
    .object({ do: z.literal(action), ...base, ...params })
    .strict()
    .describe(description);
}

const user = z.string().min(1).max(64);
const attestation = z
  .enum(['none', 'indirect', 'direct', 'enterprise'])
  .optional()
  .describe("Attestation conveyance the RP asks for (default: the RP's, none); the phone answers with its profile's format unless none");

export const stepSchema = z.discriminatedUnion('do', [
  step('createUser', 'Create a customer account (seeded; no session)', {
    user,
    password: z.string().min(1).default('password'),
    emails: z.array(z.string().min(3)).optional().describe('Registered email addresses (default: <user>@example.test)'),
    otp: z.boolean().default(false).describe('Pre-enrol the ワンタイムパスワードサービス (TOTP)'),
  }),
  step('createPhone', 'Create a virtual phone with a device profile', {
    phone: z.string().min(1),
    profile: z
      .union([z.string(), deviceProfileSchema])
      .default('iphone-icloud')
      .describe('A built-in id (iphone-icloud | android-gpm | yubikey-5 | windows-hello) or a custom device profile (pkh phone profile-schema)'),
  }),
  step('login', 'STEP1: log in with login ID and login password', { user, password: z.string().default('password') }),
  step('openRegistrationInfo', 'STEP1: 口座情報 → お客様情報 → 登録情報照会', { user: user.optional() }),
  step('startRegistration', 'STEP2: tap パスキー 登録 (lists the registered email addresses)', { user: user.optional() }),
  step('sendEmailCode', 'STEP3: choose an email address and tap 送信', {
    user: user.optional(),
    email: z.string().optional().describe('Address to send to (default: the first registered one)'),
  }),
  step('readCode', 'Read the latest 認証コード from the captured mailbox', { user: user.optional(), email: z.string().optional() }),
  step('enterCode', 'STEP4: enter the 認証コード and tap 認証', {
    user: user.optional(),
    code: z
      .union([z.enum(['mailbox', 'wrong']), z.string().regex(/^\d{6}$/)])
      .default('mailbox')
      .describe('"mailbox" = the code last read, "wrong" = a code that differs from it, or six digits'),
  }),
  step('enterTotp', 'STEP4 (OTP service): enter the current TOTP code', {
    user: user.optional(),
    offsetSeconds: z.number().int().default(0).describe('Compute the code at clock + offset (e.g. -90 for a stale code)'),
  }),
  step('confirm', 'STEP5: パスキー登録 -確認- → 登録 (the server issues the creation options)', { user: user.optional(), attestation }),
  step('localAuth', 'STEP6: the phone creates the passkey after local authentication; 完了 on success', {
    user: user.optional(),
    phone: z.string().min(1),
    decision: decision.default('approve'),
    passkeyName: z.string().optional(),
  }),
  step('enroll', 'Shortcut for STEP1 … 完了 with the chosen step-up branch', {
    user,
    phone: z.string().min(1),
    password: z.string().default('password'),
    stepUp: z.enum(['email', 'totp']).default('email'),
    decision: decision.default('approve'),
    attestation,
  }),
  step('loginWithPasskey', 'ログイン (パスキー): challenge → local authentication → signature → verification', {
    user: user.optional().describe('Username-first when set; omit for discoverable (usernameless) login'),
    phone: z.string().min(1),
    mode: z.enum(['username-first', 'discoverable']).optional(),
    decision: decision.default('approve'),
  }),
  step('injectFault', 'Arm an authenticator/client fault on a phone for its next ceremonies', {
    phone: z.string().min(1),
    fault: z.enum(FAULT_NAMES).describe(FAULTS.map((f) => `${f.name}: ${f.effect}`).join('; ')),
    enabled: z.boolean().default(true),
  }),
  step('clonePhone', 'Copy a phone (credentials and counters) to a new phone, as a cloned authenticator would be', {
    phone: z.string().min(1),
    as: z.string().min(1),
  }),
  step('adminRevoke', 'Operator revokes one passkey', {
    user,
    passkey: z.union([z.literal('last'), z.literal('first'), z.number().int().min(0)]).default('last').describe('Which of the user’s passkeys: last, first, or an index from 0 in registration order'),
    reason: z.string().default('scenario'),
    ticket: z.string().optional(),
  }),
  step('signalAccepted', "After sign-in the customer's pages tell the phone which passkeys the RP still accepts and the user's name (WebAuthn Signal API: signalAllAcceptedCredentials + signalCurrentUserDetails); the phone drops the rest", {
    user,
    phone: z.string().min(1),
    password: z.string().default('password'),
  }),
  step('adminReset', 'Operator revokes every passkey of a user', { user, reason: z.string().default('scenario'), ticket: z.string().optional() }),
  step('advanceClock', 'Move the scenario clock forward', {
    // At most a year per step: the scenario clock must stay a valid date (1e300 s was an INTERNAL at run time).
    seconds: z.number().min(0).max(366 * 86_400).optional(),
    minutes: z.number().min(0).max(366 * 1_440).optional(),
  }),
  step('check', 'Only evaluate `expect` (no action)', {}),
  step('setMdsStatus', "Append a status report to the scenario's local MDS for a model (docs/ATTESTATION.md)", {
    profile: z.string().min(1).describe('A built-in profile id (its AAGUID), e.g. yubikey-5'),
    status: z.enum(AUTHENTICATOR_STATUSES),
    effective: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().describe('YYYY-MM-DD (default: the scenario clock\'s day)'),
  }),
  step('serveMetadata', 'Which metadata BLOB the local MDS serves the RP from now on', {
    blob: z.enum(['good', ...BROKEN_BLOBS]).describe('good, or a BLOB broken on purpose'),
  }),
]);

export const scenarioSchema = z
  .object({
    name: z.string().min(1).max(200),
    description: z.string().optional(),
    tags: z.array(z.string()).optional(),
    seed: z.string().optional().describe('Overrides the run seed for this scenario'),
    attestation: z
      .object({
        attestation: z.enum(['none', 'indirect', 'direct', 'enterprise']).optional().describe('Conveyance the RP asks for by default'),
        attestationPolicy: z.enum(['any', 'trusted-roots', 'metadata']).optional(),
        unattested: z.enum(['accept', 'refuse']).optional().describe('none / self attestation under trusted-roots and metadata'),
        revokedModelAtLogin: z.enum(['record', 'warn', 'refuse']).optional().describe('Login with a model revoked after registration (metadata policy)'),
      })
      .strict()
      .optional()
      .describe("The RP's attestation policy in this scenario (docs/ATTESTATION.md)"),
    steps: z.array(stepSchema).min(1),
  })
  .strict();

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioStep = z.output<typeof stepSchema>;
export type StepExpectation = z.output<typeof expectation>;
