// Entry point bundled by store.contract.test.ts and run under Node 24 (node:sqlite).
import { runStoreContract } from './storeContract.js';

process.stdout.write(JSON.stringify({ node: process.versions.node, results: runStoreContract('node:sqlite') }));
