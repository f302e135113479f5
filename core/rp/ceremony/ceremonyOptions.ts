import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialDescriptorJSON, PublicKeyCredentialRequestOptionsJSON } from '../../webauthn/index.js';
import { toBase64url } from '../../webauthn/index.js';
import type { AttestationConveyance } from '../attestation/types.js';

type UserVerification = 'required' | 'preferred' | 'discouraged';

/** A stored credential as options name it (our IDs are strict base64url already: no padding to trim). */
export interface CredentialDescriptor {
  id: string;
  transports: string[];
}

/** Its own transports array: a caller that edits the options it got must not edit a shared list (startLogin's fake default). */
const descriptor = (c: CredentialDescriptor) => ({ id: c.id, transports: [...c.transports] as PublicKeyCredentialDescriptorJSON['transports'], type: 'public-key' as const });

/**
 * The options @simplewebauthn/server's generateRegistrationOptions (v13) returns for these inputs,
 * member for member and in its order, built as plain JSON: the library's object carries undefined
 * members and had to be deep-copied before an in-process caller saw what an HTTP client parses.
 * test/core/rp/ceremonyOptions.test.ts holds the two to the same JSON text.
 */
export function creationOptions(o: {
  rpName: string;
  rpId: string;
  user: { id: Uint8Array; name: string; displayName: string };
  challenge: Uint8Array;
  timeout: number;
  attestation: AttestationConveyance;
  excludeCredentials: CredentialDescriptor[];
  residentKey: 'required' | 'preferred' | 'discouraged';
  userVerification: UserVerification;
  authenticatorAttachment?: 'platform' | 'cross-platform';
  algorithms: number[];
}): PublicKeyCredentialCreationOptionsJSON {
  return {
    challenge: toBase64url(o.challenge),
    rp: { name: o.rpName, id: o.rpId },
    user: { id: toBase64url(o.user.id), name: o.user.name, displayName: o.user.displayName },
    pubKeyCredParams: o.algorithms.map((alg) => ({ alg, type: 'public-key' as const })),
    timeout: o.timeout,
    attestation: o.attestation,
    excludeCredentials: o.excludeCredentials.map(descriptor),
    authenticatorSelection: {
      residentKey: o.residentKey,
      userVerification: o.userVerification,
      ...(o.authenticatorAttachment ? { authenticatorAttachment: o.authenticatorAttachment } : {}),
      requireResidentKey: o.residentKey === 'required',
    },
    extensions: { credProps: true },
    hints: [],
  };
}

/** generateAuthenticationOptions (v13) the same way; no allowCredentials member for a discoverable login. */
export function requestOptions(o: { rpId: string; challenge: Uint8Array; timeout: number; userVerification: UserVerification; allowCredentials?: CredentialDescriptor[] }): PublicKeyCredentialRequestOptionsJSON {
  return {
    rpId: o.rpId,
    challenge: toBase64url(o.challenge),
    ...(o.allowCredentials ? { allowCredentials: o.allowCredentials.map(descriptor) } : {}),
    timeout: o.timeout,
    userVerification: o.userVerification,
  };
}
