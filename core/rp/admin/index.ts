export * from './createAdmin.js';
export * from './searchAccounts.js';
export * from './listPasskeys.js';
export * from './inspectPasskey.js';
export * from './revokePasskey.js';
export * from './resetPasskeys.js';
export * from './readAudit.js';
export * from './verifyAudit.js';
