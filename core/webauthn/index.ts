export * from './base64url.js';
export * from './cbor.js';
export * from './cose.js';
export * from './authData.js';
export * from './clientData.js';
export * from './attestationObject.js';
export * from './hash.js';
export * from './der.js';
export type * from './types.js';
