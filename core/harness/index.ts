export * from './channels.js';
export type * from './types.js';
export { parseInput } from './parseInput.js';
export { bindHarness } from './bindHarness.js';
export { handleHarnessCall } from './handleHarnessCall.js';
export { createHttpHarnessClient, type HttpHarnessClientOptions } from './createHttpHarnessClient.js';
export { createHarness, HARNESS_OPERATOR, DEVELOPMENT_PASSPHRASE, type CreateHarnessOptions, type Harness } from './createHarness.js';
export { memoryPhoneRegistry, PHONE_EXPORT_FORMAT, type PhoneRecord, type PhoneRegistry } from './phoneRegistry.js';
export { vaultPhoneRegistry } from './vaultPhoneRegistry.js';
