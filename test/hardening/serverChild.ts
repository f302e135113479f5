import { writeSync } from 'node:fs';
import { createHttpServer } from '../../core/http/index.js';
import { createRelyingParty } from '../../core/rp/index.js';
import { openStore } from '../../core/store/index.js';

/**
 * One of the two server processes of the concurrency test: core/rp + core/http on a shared SQLite
 * file, on loopback. Both servers accept both origins, so a response made for one can be replayed
 * on the other (the races need that). Rate limits are lifted: the test counts guesses itself.
 * Usage: node serverChild.mjs <db> <port> <origin,origin>
 */
const [dbPath, port, originList] = process.argv.slice(2) as [string, string, string];
const origins = originList.split(',');
const store = openStore({ path: dbPath });
const rp = createRelyingParty({ store, rpId: 'localhost', rpName: 'race', origins, policy: { scryptCost: 1024 } });
const unlimited = { limit: 1_000_000, windowMs: 60_000 };
const server = createHttpServer({ rp, staticDir: null, origins, rateLimits: { perIp: unlimited, perAccount: unlimited } });
await server.listen({ port: Number(port) });
writeSync(1, 'LISTENING\n');
