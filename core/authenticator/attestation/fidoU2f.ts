import { concatBytes, type CborKey, type CborValue, type CoseKey } from '../../webauthn/index.js';
import { signWith, type AuthenticatorContext } from '../context.js';
import { corruptIfAsked } from '../faults.js';
import type { AttestationInput, AttestationStatement } from './statement.js';

/**
 * WebAuthn §8.6 (FIDO U2F): the CA's U2F leaf signs verificationData = 0x00 ‖ rpIdHash ‖
 * clientDataHash ‖ credentialId ‖ publicKeyU2F (0x04 ‖ x ‖ y). ES256 keys only; the AAGUID is zero.
 */
export async function fidoU2fAttestation(ctx: AuthenticatorContext, input: AttestationInput): Promise<AttestationStatement> {
  const key = input.keyMaterial.publicKey as Extract<CoseKey, { kty: 2 }>;
  const cert = await (await ctx.attestationCa()).u2fCertificate();
  const data = concatBytes(Uint8Array.of(0), input.authData.subarray(0, 32), input.clientDataHash, input.credentialId, Uint8Array.of(4), key.x, key.y);
  const sig = corruptIfAsked(ctx.faults, signWith(cert.key, data));
  return { fmt: 'fido-u2f', attStmt: new Map<CborKey, CborValue>([['sig', sig], ['x5c', [cert.certificate]]]) };
}
