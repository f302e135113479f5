export * from './types.js';
export * from './checkAttestationStatement.js';
export * from './verifyMetadataBlob.js';
export * from './currentMetadata.js';
export * from './evaluateAttestation.js';
export * from './checkAuthenticatorStatus.js';
