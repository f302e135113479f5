// Entry `passkey-harness/playwright`: harness phones inside Playwright tests.
export { attachPhone } from './attachPhone.js';
export type { AttachedPhone, AttachMode, AttachPhoneOptions, PageCeremony } from './types.js';
export { phoneFixtures, type OpenedPhone, type PhoneFactory, type PhoneFixtureOptions, type PhoneFixtures } from './phoneFixtures.js';
export { GATE_BINDING } from './gateScript.js';
export { SIGNAL_BINDING } from './forwardSignals.js';
export * from '../phone/index.js';
export { describeCdpLimits, type CdpLimit } from '../browser/index.js';
