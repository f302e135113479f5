/** Faults a scenario or the harness can arm on a journey phone (see `browserFor`). */
export const FAULT_NAMES = [
  'wrongRpIdHash',
  'corruptSignature',
  'clearUp',
  'clearUv',
  'counterRegression',
  'malformedCbor',
  'wrongOrigin',
  'wrongType',
  'replayChallenge',
  'flipBackupState',
] as const;

export type FaultName = (typeof FAULT_NAMES)[number];

export interface FaultDescription {
  name: FaultName;
  /** What the phone (or its browser) does wrong. */
  effect: string;
  /** The ceremonies it changes. */
  ceremonies: readonly ('registration' | 'login')[];
  /** What an RP following WebAuthn does (the harness RP's code in parentheses). */
  expected: string;
}

/**
 * The one description of every fault: CLI help, `pkh phone faults` and the console read this
 * table, so a knob is documented once. Browser-safe (no imports).
 */
export const FAULTS: readonly FaultDescription[] = [
  { name: 'wrongRpIdHash', effect: 'authenticatorData.rpIdHash is not SHA-256 of the RP ID', ceremonies: ['registration', 'login'], expected: 'refused, §7.1 step 13 / §7.2 step 15 (RP_ID_MISMATCH)' },
  {
    name: 'corruptSignature',
    effect: 'one byte of the attestation statement or assertion signature flipped',
    ceremonies: ['registration', 'login'],
    expected: 'refused, §7.1 step 19 / §7.2 step 20 (SIGNATURE_INVALID; registration needs an attestation statement with a signature: --attestation direct on a packed or fido-u2f profile)',
  },
  { name: 'clearUp', effect: 'UP (user present) flag cleared', ceremonies: ['registration', 'login'], expected: 'refused, §7.1 step 14 / §7.2 step 16 (USER_PRESENCE_REQUIRED)' },
  { name: 'clearUv', effect: 'UV (user verified) flag cleared', ceremonies: ['registration', 'login'], expected: 'refused when the RP requires UV, §7.1 step 15 / §7.2 step 17 (USER_VERIFICATION_REQUIRED)' },
  {
    name: 'counterRegression',
    effect: 'signCount one below the last count the RP accepted (whatever the phone counted since)',
    ceremonies: ['login'],
    expected: 'refused as a possible clone, §7.2 step 21 (COUNTER_REGRESSION, audited login.clone-suspected); not with counters that stay 0',
  },
  { name: 'malformedCbor', effect: 'attestationObject / authenticatorData CBOR that never ends', ceremonies: ['registration', 'login'], expected: 'refused as malformed (CBOR_MALFORMED)' },
  { name: 'wrongOrigin', effect: 'clientDataJSON.origin is https://evil.example', ceremonies: ['registration', 'login'], expected: 'refused, §7.1 step 9 / §7.2 step 13 (ORIGIN_MISMATCH)' },
  { name: 'wrongType', effect: 'clientDataJSON.type swapped (webauthn.create ↔ webauthn.get)', ceremonies: ['registration', 'login'], expected: 'refused, §7.1 step 7 / §7.2 step 11 (TYPE_MISMATCH)' },
  { name: 'replayChallenge', effect: 'the previous login response is submitted again', ceremonies: ['login'], expected: 'refused: challenges are single-use (CHALLENGE_REPLAYED / CHALLENGE_NOT_FOUND)' },
  {
    name: 'flipBackupState',
    effect: 'BS (backup state) is the opposite of the profile’s: a synced passkey whose sync was turned off, or the reverse',
    ceremonies: ['registration', 'login'],
    expected: 'accepted when BE is set (BS may change, §6.1.3), stored and audited as passkey.backup-state; BS without BE is refused',
  },
];
