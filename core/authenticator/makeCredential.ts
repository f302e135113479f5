import { HarnessError } from '../errors.js';
import { buildAuthenticatorData, COSEAlg, encodeAttestationObject, encodeCoseKey, equalBytes, sha256, type AuthenticatorTransport, type CoseKey } from '../webauthn/index.js';
import { fidoU2fAttestation } from './attestation/fidoU2f.js';
import { noneAttestation } from './attestation/none.js';
import { packedSelfAttestation, packedX5cAttestation } from './attestation/packed.js';
import type { AttestationFormat } from './attestation/statement.js';
import { privateKeyFor, type AuthenticatorContext } from './context.js';
import type { StoredCredential } from './credentials.js';
import { flipLastByte, type AuthenticatorFaults } from './faults.js';
import { authorizeLocally, type UserVerificationRequirement } from './localAuth.js';
import { aaguidToBytes, type DeviceProfile } from './profiles.js';
import { truncateUserText } from './userText.js';
import { systemRandom } from '../random.js';

export interface MakeCredentialOptions {
  rpId: string;
  /** SHA-256 of clientDataJSON. */
  clientDataHash: Uint8Array;
  user: { id: Uint8Array; name: string; displayName: string };
  /** Algorithms in the RP's order of preference. */
  pubKeyCredParams: readonly { alg: number; type?: string }[];
  excludeList?: readonly Uint8Array[];
  residentKey?: 'required' | 'preferred' | 'discouraged';
  userVerification?: UserVerificationRequirement;
  /** Conveyance: anything but direct/enterprise/indirect yields fmt "none" (§5.4.7). */
  attestation?: string;
  /** Faults for this call only, instead of the authenticator's (a client's per-ceremony faults). */
  faults?: AuthenticatorFaults;
}

export interface MakeCredentialResult {
  credentialId: Uint8Array;
  attestationObject: Uint8Array;
  authenticatorData: Uint8Array;
  fmt: string;
  publicKey: CoseKey;
  /** COSE_Key bytes as embedded in authData. */
  publicKeyCose: Uint8Array;
  publicKeyAlgorithm: COSEAlg;
  transports: AuthenticatorTransport[];
  authenticatorAttachment: 'platform' | 'cross-platform';
  /** Whether the credential is discoverable (credProps.rk). */
  discoverable: boolean;
}

const ZERO_AAGUID = new Uint8Array(16);

const FORMATS: Record<DeviceProfile['attestation'], AttestationFormat> = {
  none: noneAttestation,
  'packed-self': packedSelfAttestation,
  'packed-x5c': packedX5cAttestation,
  'fido-u2f': fidoU2fAttestation,
};

/** CTAP2 authenticatorMakeCredential (§6.1), with the profile's attestation and counter policy. */
export async function makeCredential(ctx: AuthenticatorContext, options: MakeCredentialOptions): Promise<MakeCredentialResult> {
  const { profile } = ctx;
  const faults = options.faults ?? ctx.faults;
  const { rpId, clientDataHash, user, pubKeyCredParams, excludeList = [], residentKey = 'discouraged', userVerification = 'preferred' } = options;
  if (clientDataHash.length !== 32) throw new HarnessError('INVALID_INPUT', 'clientDataHash must be 32 bytes');
  if (user.id.length === 0 || user.id.length > 64) throw new HarnessError('INVALID_INPUT', 'user.id must be 1–64 bytes');
  const userName = truncateUserText(user.name);
  const userDisplayName = truncateUserText(user.displayName);

  // WebAuthn §6.3.2 step 2: an algorithm first (NotSupportedError).
  const usable = profile.attestation === 'fido-u2f' ? [COSEAlg.ES256] : profile.algorithms;
  const alg = pubKeyCredParams.map((p) => p.alg).find((a): a is COSEAlg => (usable as number[]).includes(a));
  if (alg === undefined) {
    throw new HarnessError('NOT_SUPPORTED', `${profile.label} supports none of the offered algorithms`, { details: { offered: pubKeyCredParams.map((p) => p.alg) } });
  }

  // WebAuthn §6.3.2 step 3 (CTAP2.1 §6.1.2, excludeList): an excluded credential already bound to this RP is
  // InvalidStateError, but only after a gesture the user consents to (NotAllowedError if not), so an
  // RP cannot learn silently that this authenticator holds one of its credentials.
  const excluded = excludeList.find((id) => ctx.credentials.get(id)?.rpId === rpId);
  if (excluded) {
    await authorizeLocally(ctx.localAuth, { ceremony: 'create', rpId, userName, userVerification, profile });
    throw new HarnessError('INVALID_STATE', 'this authenticator already holds a credential the RP excluded', { details: { credentialId: excluded } });
  }

  if (residentKey === 'required' && !profile.residentKey) throw new HarnessError('NOT_SUPPORTED', `${profile.label} cannot store discoverable credentials`);
  const discoverable = profile.residentKey && (residentKey !== 'discouraged' || profile.attachment === 'platform');

  const { up, uv } = await authorizeLocally(ctx.localAuth, { ceremony: 'create', rpId, userName, userVerification, profile });

  // A seeded authenticator derives its keys (replays give the same ones); one on system randomness lets the backend pick.
  const keyMaterial = (ctx.random === systemRandom ? ctx.backend.generateRandomKeyPair?.(alg) : undefined) ?? ctx.backend.generateKeyPair(alg, ctx.random.bytes(48));
  const credentialId = ctx.random.bytes(profile.credentialIdLength);
  // The backend computed this point from the new secret: on the curve by construction.
  const publicKeyCose = encodeCoseKey(keyMaterial.publicKey, { ownKey: true });

  const signCount = profile.counterPolicy === 'regress' ? 1000 : 0;
  const rpIdHash = sha256(new TextEncoder().encode(rpId));
  const aaguid = profile.attestation === 'fido-u2f' ? ZERO_AAGUID : aaguidToBytes(profile.aaguid);
  const authData = buildAuthenticatorData({
    rpIdHash: faults.wrongRpIdHash ? flipLastByte(rpIdHash) : rpIdHash,
    flags: {
      up: up && !faults.clearUp,
      uv: uv && !faults.clearUv,
      be: profile.backupEligible,
      bs: profile.backupState !== Boolean(faults.flipBackupState),
    },
    signCount,
    attestedCredentialData: { aaguid, credentialId, credentialPublicKey: publicKeyCose },
  });

  const credential: StoredCredential = {
    id: credentialId,
    rpId,
    userHandle: user.id.slice(),
    userName,
    userDisplayName,
    alg,
    privateKey: keyMaterial.pkcs8,
    publicKey: publicKeyCose,
    signCount,
    discoverable,
    createdAt: ctx.clock.now(),
    lastUsedAt: null,
  };

  // §5.4.7: the profile's statement only when the RP asks for it; the AAGUID stays either way.
  const conveyed = options.attestation === 'direct' || options.attestation === 'enterprise' || options.attestation === 'indirect';
  const { fmt, attStmt } = await FORMATS[conveyed ? profile.attestation : 'none']({ ...ctx, faults }, { authData, clientDataHash, credentialId, alg, keyMaterial });

  // CTAP2 §6.1.2 step 15: a new discoverable credential replaces one for the same RP and user. The
  // new one is stored first: if that write fails, the old one is still there.
  const replaced = discoverable
    ? ctx.credentials.list({ rpId }).filter((existing) => existing.discoverable && existing.userHandle && equalBytes(existing.userHandle, user.id))
    : [];
  ctx.credentials.put(credential);
  for (const existing of replaced) ctx.credentials.delete(existing.id);
  privateKeyFor(ctx, credential, keyMaterial.handle);

  const attestationObject = encodeAttestationObject({ fmt, attStmt, authData });
  // The top-level map claims a fourth entry that never comes: every CBOR decoder runs out of input.
  if (faults.malformedCbor) attestationObject[0] = 0xa4;

  return {
    credentialId,
    attestationObject,
    authenticatorData: authData,
    fmt,
    publicKey: keyMaterial.publicKey,
    publicKeyCose,
    publicKeyAlgorithm: alg,
    transports: [...profile.transports],
    authenticatorAttachment: profile.attachment,
    discoverable,
  };
}
