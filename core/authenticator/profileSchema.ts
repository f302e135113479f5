import { z } from 'zod';
import { HarnessError } from '../errors.js';
import { coseAlgName } from '../webauthn/index.js';
import { builtInProfiles, validateProfile, type DeviceProfile } from './profiles.js';

/**
 * The device profile as a file (`pkh phone create --profile-file`): one zod schema is the source
 * of truth for validation and for the published JSON Schema (`pkh phone profile-schema`), so what
 * an editor completes is exactly what the harness accepts. Rules JSON Schema cannot say (BS needs
 * BE, fido-u2f is ES256 only) are checked after it by `validateProfile`, with the same error code.
 */
export const deviceProfileSchema = z
  .object({
    $schema: z.string().optional().describe('Where an editor finds this schema (ignored)'),
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/).describe('Profile id (lowercase letters, digits, . _ -)'),
    label: z.string().min(1).max(100).describe('Model name support staff see (also the authenticator name the harness RP shows)'),
    aaguid: z
      .string()
      .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
      .describe('AAGUID as a lowercase UUID (fido-u2f sends the zero AAGUID whatever this says)'),
    attachment: z.enum(['platform', 'cross-platform']).default('cross-platform').describe('authenticatorAttachment'),
    transports: z
      .array(z.enum(['ble', 'hybrid', 'internal', 'nfc', 'usb']))
      .default(['usb'])
      .describe('Transports reported in the registration response'),
    backupEligible: z.boolean().default(false).describe('BE flag: the credential may be synced (WebAuthn §6.1.3)'),
    backupState: z.boolean().default(false).describe('BS flag: the credential is synced now (requires backupEligible)'),
    counterPolicy: z.enum(['increment', 'zero', 'regress']).default('increment').describe('Sign counter: +1 per assertion, always 0 (synced passkeys), or 1000 then −1 (a broken clone)'),
    attestation: z
      .enum(['none', 'packed-self', 'packed-x5c', 'fido-u2f'])
      .default('none')
      .describe('Statement format sent when the RP asks for attestation (direct / indirect / enterprise)'),
    algorithms: z
      .array(z.union([z.literal(-7), z.literal(-8), z.literal(-257)]))
      .min(1)
      .default([-7])
      .describe('COSE algorithms in preference order: -7 ES256, -8 EdDSA, -257 RS256'),
    residentKey: z.boolean().default(true).describe('Can store discoverable credentials'),
    uv: z.boolean().default(true).describe('Has a user verification method (biometric, PIN)'),
    uvMethod: z.string().max(100).optional().describe('How it verifies the user, in words (shown by pkh phone profiles)'),
    credentialIdLength: z.number().int().min(16).max(1023).default(32).describe('Length of generated credential IDs in bytes'),
  })
  .strict()
  .describe('A Passkey Harness device profile');

/** JSON Schema (draft 2020-12) of a profile file, from the same zod schema the harness validates with. */
export function profileJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(deviceProfileSchema, { io: 'input' }) as Record<string, unknown>;
  return { ...schema, $id: 'https://passkey-harness.invalid/device-profile.schema.json', title: 'Passkey Harness device profile' };
}

/** A profile from parsed JSON: shape by the schema, then coherence (`validateProfile`); `CONFIG_INVALID` with the issues. */
export function parseProfile(json: unknown, source = 'profile'): DeviceProfile {
  const parsed = deviceProfileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.length ? i.path.join('.') : '(root)', message: i.message }));
    throw new HarnessError('CONFIG_INVALID', `${source}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { details: { issues } });
  }
  const { $schema: _ignored, ...profile } = parsed.data;
  try {
    return validateProfile(profile);
  } catch (error) {
    if (error instanceof HarnessError) throw new HarnessError('CONFIG_INVALID', `${source}: ${error.message.replace(/^profile [^:]*: /, '')}`, { cause: error });
    throw error;
  }
}

/** A profile as `pkh phone profiles` and the console list it (JSON-safe; algorithms also by name). */
export type ProfileView = DeviceProfile & { algorithmNames: string[]; builtIn: boolean };

export function describeProfile(profile: DeviceProfile, builtIn = builtInProfiles[profile.id] === profile): ProfileView {
  return { ...profile, transports: [...profile.transports], algorithms: [...profile.algorithms], algorithmNames: profile.algorithms.map((a) => coseAlgName(a)), builtIn };
}
