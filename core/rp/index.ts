export * from './createRelyingParty.js';
export * from './policy.js';
export * from './escapeForDisplay.js';
export * from './account/authenticatorName.js';
export * from './stepUp/totp.js';
export type { PasskeySummary } from './account/passkeySummary.js';
export type { RegistrationInfoRow } from './account/getRegistrationInfo.js';
export { STEP_UP_PURPOSES, type StepUpPurpose } from './stepUp/purpose.js';
