// Entry `passkey-harness/playwright`: harness phones inside Playwright tests.
export { attachPhone, type AttachedPhone, type AttachMode, type AttachPhoneOptions, type PageCeremony } from './attachPhone.js';
export { phoneFixtures, type OpenedPhone, type PhoneFactory, type PhoneFixtureOptions, type PhoneFixtures } from './phoneFixtures.js';
export { GATE_BINDING } from './gateScript.js';
export { SIGNAL_BINDING } from './forwardSignals.js';
export * from '../phone/index.js';
export { describeCdpLimits, type CdpLimit } from '../browser/index.js';
