export { createWorld, newOtpSecret, newPhone, phoneOf, sessionOf, userOf, SCENARIO_OPERATOR, type AttestationSettings, type World, type WorldOptions, type WorldPhone, type WorldUser } from './world.js';
export { browserFor } from './browserFor.js';
export { FAULT_NAMES, FAULTS, type FaultDescription, type FaultName } from './faults.js';
export type { CeremonyTrace, FlowStep } from './steps.js';
export { passkeyLogin, passwordLogin, type PasskeyLoginOptions } from './login.js';
export { openRegistrationInfo, tapRegister } from './registrationInfo.js';
export { enterCode, readCode, sendEmailCode, totpNow } from './stepUp.js';
export { confirmRegistration, createPasskey, enrollFlow, type EnrollFlowOptions } from './enroll.js';
