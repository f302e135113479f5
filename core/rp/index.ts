export * from './createRelyingParty.js';
export * from './policy.js';
export * from './escapeForDisplay.js';
export * from './aaguids.js';
export * from './otp.js';
export type { PasskeySummary } from './passkeySummary.js';
export type { RegistrationInfoRow } from './getRegistrationInfo.js';
export type { StepUpPurpose } from './stepUpCode.js';
