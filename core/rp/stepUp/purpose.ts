import { HarnessError } from '../../errors.js';

/** What a step-up unlocks: registering a passkey (seed steps 3–5) or applying for the OTP service. */
export const STEP_UP_PURPOSES = ['passkey-registration', 'otp-enrollment'] as const;
export type StepUpPurpose = (typeof STEP_UP_PURPOSES)[number];

/** Absent means the seed's own purpose, passkey registration. */
export function parsePurpose(value: unknown): StepUpPurpose {
  if (value === undefined) return 'passkey-registration';
  if (!(STEP_UP_PURPOSES as readonly unknown[]).includes(value)) throw new HarnessError('INVALID_INPUT', `purpose must be one of ${STEP_UP_PURPOSES.join(', ')}`);
  return value as StepUpPurpose;
}
