import { concatBytes, COSEAlg, type CborKey, type CborValue } from '../../webauthn/index.js';
import { signWith, type AuthenticatorContext } from '../context.js';
import { corruptIfAsked } from '../faults.js';
import type { AttestationInput, AttestationStatement } from './statement.js';

/** WebAuthn §8.2 self attestation: the credential's own key signs authData ‖ clientDataHash; no x5c. */
export async function packedSelfAttestation(ctx: AuthenticatorContext, input: AttestationInput): Promise<AttestationStatement> {
  const handle = input.keyMaterial.handle ?? ctx.backend.importPrivateKey(input.alg, input.keyMaterial.pkcs8);
  const sig = corruptIfAsked(ctx.faults, signWith(handle, concatBytes(input.authData, input.clientDataHash)));
  return { fmt: 'packed', attStmt: new Map<CborKey, CborValue>([['alg', input.alg], ['sig', sig]]) };
}

/** WebAuthn §8.2 full attestation: the harness CA's ES256 leaf for this AAGUID signs authData ‖ clientDataHash; x5c carries the leaf and its intermediates. */
export async function packedX5cAttestation(ctx: AuthenticatorContext, input: AttestationInput): Promise<AttestationStatement> {
  const cert = await (await ctx.attestationCa()).packedCertificate(ctx.profile.aaguid);
  const sig = corruptIfAsked(ctx.faults, signWith(cert.key, concatBytes(input.authData, input.clientDataHash)));
  return { fmt: 'packed', attStmt: new Map<CborKey, CborValue>([['alg', COSEAlg.ES256], ['sig', sig], ['x5c', [cert.certificate, ...(cert.chain ?? [])]]]) };
}
