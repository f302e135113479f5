/**
 * Fault injection for RP-facing tests: each knob makes the authenticator (or, for the last two,
 * the client) produce one specific defect an RP must reject.
 */
export interface AuthenticatorFaults {
  /** authData.rpIdHash is not SHA-256 of the RP ID (WebAuthn §7.1 step 13, §7.2 step 15). */
  wrongRpIdHash?: boolean;
  /** The attestation or assertion signature has one byte flipped. */
  corruptSignature?: boolean;
  /** UP flag cleared (§7.1 step 14). */
  clearUp?: boolean;
  /** UV flag cleared (§7.1 step 15). */
  clearUv?: boolean;
  /** The assertion's signCount goes below the last count the RP accepted (§7.2 step 21). */
  counterRegression?: boolean;
  /** BS (backup state) is the opposite of the profile's: a synced passkey whose sync was turned off, or the reverse (§6.1.3). */
  flipBackupState?: boolean;
  /** attestationObject's map claims an entry that is missing / authenticatorData carries an unterminated extensions map. */
  malformedCbor?: boolean;
  /** Client: clientDataJSON.origin is this value instead of the real origin. */
  wrongOrigin?: string;
  /** Client: clientDataJSON.type is swapped (create ↔ get) or set to this value. */
  wrongType?: boolean | string;
}

export const noFaults: Readonly<AuthenticatorFaults> = Object.freeze({});

export function flipLastByte(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  if (out.length > 0) out[out.length - 1] = out[out.length - 1]! ^ 0x01;
  return out;
}

/** The `corruptSignature` knob, applied where a statement or assertion is signed. */
export function corruptIfAsked(faults: AuthenticatorFaults, signature: Uint8Array): Uint8Array {
  return faults.corruptSignature ? flipLastByte(signature) : signature;
}
