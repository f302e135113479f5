import { z } from 'zod';
import { HarnessError } from '../errors.js';
import { seededRandom } from '../random.js';
import { decodeCoseKey, fromBase64url, isCoseAlg, toBase64url } from '../webauthn/index.js';
import { nodeBackend } from './crypto/node.js';
import type { StoredCredential } from './credentials.js';
import { deviceProfileSchema, parseProfile } from './profileSchema.js';
import type { DeviceProfile } from './profiles.js';

/** Export format: private keys as PKCS#8 (base64url), loadable into Chromium's CDP virtual authenticator. */
export interface PhoneExport {
  format: 'passkey-harness/phone@1';
  name: string;
  profile: DeviceProfile;
  createdAt: number;
  credentials: {
    credentialId: string;
    rpId: string;
    userHandle: string | null;
    userName: string | null;
    userDisplayName: string | null;
    alg: number;
    privateKey: string;
    publicKey: string;
    signCount: number;
    discoverable: boolean;
    createdAt: number;
    lastUsedAt: number | null;
  }[];
}

/** One credential as it appears in a phone export (private key as PKCS#8 base64url, loadable into CDP). */
export function exportCredential(c: StoredCredential): PhoneExport['credentials'][number] {
  return {
    credentialId: toBase64url(c.id),
    rpId: c.rpId,
    userHandle: c.userHandle ? toBase64url(c.userHandle) : null,
    userName: c.userName,
    userDisplayName: c.userDisplayName,
    alg: c.alg,
    privateKey: toBase64url(c.privateKey),
    publicKey: toBase64url(c.publicKey),
    signCount: c.signCount,
    discoverable: c.discoverable,
    createdAt: c.createdAt,
    lastUsedAt: c.lastUsedAt,
  };
}

const b64 = z.string().regex(/^[A-Za-z0-9_-]*$/);
/** Milliseconds since the epoch that a JS Date can hold (ECMA-262 §21.4.1.22: ±8.64e15); later ones print as "Invalid Date". */
const timestamp = z.number().int().nonnegative().max(8.64e15);
const phoneExportSchema = z.object({
  format: z.literal('passkey-harness/phone@1'),
  name: z.string().min(1).max(200),
  // Checked field by field below, against the device profile schema.
  profile: z.record(z.string(), z.unknown()),
  createdAt: timestamp,
  credentials: z.array(
    z.object({
      credentialId: b64.min(1),
      rpId: z.string().min(1),
      userHandle: b64.nullable(),
      userName: z.string().nullable(),
      userDisplayName: z.string().nullable(),
      alg: z.number().int(),
      privateKey: b64.min(1),
      publicKey: b64.min(1),
      signCount: z.number().int().nonnegative().max(0xffffffff),
      discoverable: z.boolean(),
      createdAt: timestamp,
      lastUsedAt: timestamp.nullable(),
    }),
  ),
});

/** Profile fields an export always writes (all but the optional `uvMethod` and a file's `$schema`). */
const REQUIRED_PROFILE_FIELDS = Object.entries(deviceProfileSchema.shape)
  .filter(([, field]) => !(field instanceof z.ZodOptional))
  .map(([key]) => key);

/**
 * An export's profile: complete (the harness writes every field, so a missing one means a cut or
 * hand-made file — not something to fill with a profile file's defaults), then the profile schema
 * and its coherence rules (`parseProfile`).
 */
function importedProfile(profile: Record<string, unknown>): DeviceProfile {
  const missing = REQUIRED_PROFILE_FIELDS.filter((key) => profile[key] === undefined);
  if (missing.length) throw new HarnessError('VAULT_IMPORT_INVALID', `not a phone export: profile.${missing[0]}: missing (the profile lacks ${missing.join(', ')})`);
  try {
    return parseProfile(profile, 'profile');
  } catch (cause) {
    throw new HarnessError('VAULT_IMPORT_INVALID', `not a phone export: ${cause instanceof HarnessError ? cause.message : 'invalid profile'}`, { cause });
  }
}

/** Reads a phone export: shape (zod), profile and every key pair checked before anything is stored (VAULT_IMPORT_INVALID). */
export function parsePhoneExport(data: unknown): { name: string; profile: DeviceProfile; createdAt: number; credentials: StoredCredential[] } {
  const parsed = phoneExportSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HarnessError('VAULT_IMPORT_INVALID', `not a phone export: ${issue?.path.length ? `${issue.path.join('.')}: ` : ''}${issue?.message ?? 'invalid'}`);
  }
  const input = parsed.data;
  const profile = importedProfile(input.profile);
  const credentials = input.credentials.map((c) => importedCredential(c));
  // The vault keys credentials by ID: a second entry with the same ID would silently replace the first.
  const seen = new Map<string, number>();
  credentials.forEach((c, index) => {
    const id = toBase64url(c.id);
    const first = seen.get(id);
    if (first !== undefined) throw new HarnessError('VAULT_IMPORT_INVALID', `not a phone export: credentials.${index}.credentialId: duplicate credential ID ${id} (also credentials.${first})`);
    seen.set(id, index);
  });
  return { name: input.name, profile, createdAt: input.createdAt, credentials };
}

/** Checks that each imported private key really belongs to its public key (sign, then verify). */
function importedCredential(c: z.infer<typeof phoneExportSchema>['credentials'][number]): StoredCredential {
  if (!isCoseAlg(c.alg)) throw new HarnessError('VAULT_IMPORT_INVALID', `unsupported algorithm ${c.alg}`);
  const publicKey = fromBase64url(c.publicKey, 'publicKey');
  const privateKey = fromBase64url(c.privateKey, 'privateKey');
  let matches = false;
  try {
    const cose = decodeCoseKey(publicKey);
    const probe = seededRandom('vault-import-probe').bytes(32);
    matches = cose.alg === c.alg && nodeBackend.verify(cose, probe, nodeBackend.sign(nodeBackend.importPrivateKey(c.alg, privateKey), probe));
  } catch (cause) {
    // A public key that is not a COSE key, or a private key of another type than alg says (OpenSSL refuses to sign).
    throw new HarnessError('VAULT_IMPORT_INVALID', `credential ${c.credentialId}: ${cause instanceof HarnessError ? cause.message : 'the private key cannot sign with its algorithm'}`, { cause });
  }
  if (!matches) throw new HarnessError('VAULT_IMPORT_INVALID', `credential ${c.credentialId}: private key does not match its public key`);
  return {
    id: fromBase64url(c.credentialId, 'credentialId'),
    rpId: c.rpId,
    userHandle: c.userHandle === null ? null : fromBase64url(c.userHandle, 'userHandle'),
    userName: c.userName,
    userDisplayName: c.userDisplayName,
    alg: c.alg,
    privateKey,
    publicKey,
    signCount: c.signCount,
    discoverable: c.discoverable,
    createdAt: c.createdAt,
    lastUsedAt: c.lastUsedAt,
  };
}
