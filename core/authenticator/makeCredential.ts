import { HarnessError } from '../errors.js';
import { buildAuthenticatorData, concatBytes, COSEAlg, encodeAttestationObject, encodeCoseKey, equalBytes, sha256, type AuthenticatorTransport, type CborKey, type CborValue, type CoseKey } from '../webauthn/index.js';
import { privateKeyFor, signWith, type AuthenticatorContext } from './context.js';
import type { StoredCredential } from './credentials.js';
import { flipLastByte } from './faults.js';
import { authorizeLocally, type UserVerificationRequirement } from './localAuth.js';
import { aaguidToBytes } from './profiles.js';

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

/** CTAP2 authenticatorMakeCredential (§6.1), with the profile's attestation and counter policy. */
export async function makeCredential(ctx: AuthenticatorContext, options: MakeCredentialOptions): Promise<MakeCredentialResult> {
  const { profile, faults } = ctx;
  const { rpId, clientDataHash, user, pubKeyCredParams, excludeList = [], residentKey = 'discouraged', userVerification = 'preferred' } = options;
  if (clientDataHash.length !== 32) throw new HarnessError('INVALID_INPUT', 'clientDataHash must be 32 bytes');
  if (user.id.length === 0 || user.id.length > 64) throw new HarnessError('INVALID_INPUT', 'user.id must be 1–64 bytes');

  // CTAP2 §6.1.2 step 3: an excluded credential already bound to this RP → CTAP2_ERR_CREDENTIAL_EXCLUDED.
  for (const id of excludeList) {
    const existing = ctx.credentials.get(id);
    if (existing && existing.rpId === rpId) {
      throw new HarnessError('INVALID_STATE', 'this authenticator already holds a credential the RP excluded', { details: { credentialId: id } });
    }
  }

  const usable = profile.attestation === 'fido-u2f' ? [COSEAlg.ES256] : profile.algorithms;
  const alg = pubKeyCredParams.map((p) => p.alg).find((a): a is COSEAlg => (usable as number[]).includes(a));
  if (alg === undefined) {
    throw new HarnessError('NOT_SUPPORTED', `${profile.label} supports none of the offered algorithms`, { details: { offered: pubKeyCredParams.map((p) => p.alg) } });
  }
  if (residentKey === 'required' && !profile.residentKey) throw new HarnessError('NOT_SUPPORTED', `${profile.label} cannot store discoverable credentials`);
  const discoverable = profile.residentKey && (residentKey !== 'discouraged' || profile.attachment === 'platform');

  const { up, uv } = await authorizeLocally(ctx.localAuth, { ceremony: 'create', rpId, userName: user.name, userVerification, profile });

  const keyMaterial = ctx.backend.generateKeyPair(alg, ctx.random.bytes(48));
  const credentialId = ctx.random.bytes(profile.credentialIdLength);
  const publicKeyCose = encodeCoseKey(keyMaterial.publicKey);

  const signCount = profile.counterPolicy === 'regress' ? 1000 : 0;
  const rpIdHash = sha256(new TextEncoder().encode(rpId));
  const aaguid = profile.attestation === 'fido-u2f' ? ZERO_AAGUID : aaguidToBytes(profile.aaguid);
  const authData = buildAuthenticatorData({
    rpIdHash: faults.wrongRpIdHash ? flipLastByte(rpIdHash) : rpIdHash,
    flags: {
      up: up && !faults.clearUp,
      uv: uv && !faults.clearUv,
      be: profile.backupEligible,
      bs: profile.backupState,
    },
    signCount,
    attestedCredentialData: { aaguid, credentialId, credentialPublicKey: publicKeyCose },
  });

  const credential: StoredCredential = {
    id: credentialId,
    rpId,
    userHandle: user.id.slice(),
    userName: user.name,
    userDisplayName: user.displayName,
    alg,
    privateKey: keyMaterial.pkcs8,
    publicKey: publicKeyCose,
    signCount,
    discoverable,
    createdAt: ctx.clock.now(),
    lastUsedAt: null,
  };

  const conveyed = options.attestation === 'direct' || options.attestation === 'enterprise' || options.attestation === 'indirect';
  const kind = conveyed ? profile.attestation : 'none';
  const toBeSigned = concatBytes(authData, clientDataHash);
  const attStmt = new Map<CborKey, CborValue>();
  let fmt = 'none';
  if (kind === 'packed-self') {
    // WebAuthn §8.2: self attestation signs authData ‖ clientDataHash with the credential key.
    fmt = 'packed';
    const handle = keyMaterial.handle ?? ctx.backend.importPrivateKey(alg, keyMaterial.pkcs8);
    attStmt.set('alg', alg).set('sig', maybeCorrupt(ctx, signWith(handle, toBeSigned)));
  } else if (kind === 'packed-x5c') {
    fmt = 'packed';
    const cert = await (await ctx.attestationCa()).packedCertificate(profile.aaguid);
    attStmt.set('alg', COSEAlg.ES256).set('sig', maybeCorrupt(ctx, signWith(cert.key, toBeSigned))).set('x5c', [cert.certificate]);
  } else if (kind === 'fido-u2f') {
    // WebAuthn §8.6: verificationData = 0x00 ‖ rpIdHash ‖ clientDataHash ‖ credentialId ‖ publicKeyU2F.
    fmt = 'fido-u2f';
    const key = keyMaterial.publicKey as Extract<CoseKey, { kty: 2 }>;
    const cert = await (await ctx.attestationCa()).u2fCertificate();
    const data = concatBytes(Uint8Array.of(0), authData.subarray(0, 32), clientDataHash, credentialId, Uint8Array.of(4), key.x, key.y);
    attStmt.set('sig', maybeCorrupt(ctx, signWith(cert.key, data))).set('x5c', [cert.certificate]);
  }

  // CTAP2 §6.1.2 step 15: a new discoverable credential replaces one for the same RP and user.
  if (discoverable) {
    for (const existing of ctx.credentials.list({ rpId })) {
      if (existing.discoverable && existing.userHandle && equalBytes(existing.userHandle, user.id)) ctx.credentials.delete(existing.id);
    }
  }
  ctx.credentials.put(credential);
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

function maybeCorrupt(ctx: AuthenticatorContext, signature: Uint8Array): Uint8Array {
  return ctx.faults.corruptSignature ? flipLastByte(signature) : signature;
}
