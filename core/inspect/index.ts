export { inspectCeremony, type CeremonyInspection, type InspectOptions, type StepStatus, type VerificationStep } from './inspectCeremony.js';
