export * from './checkRpId.js';
export * from './createClient.js';
