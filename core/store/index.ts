export * from './auditAnchor.js';
export * from './driver.js';
export * from './migrations.js';
export * from './openStore.js';
export * from './repositories/index.js';
export type * from './rows.js';
export * from './vault/index.js';
