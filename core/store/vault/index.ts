export * from './schema.js';
export * from './vaultRepository.js';
