export { runLoad, type LatencySummary, type LoadReport } from './runLoad.js';
export { LOAD_RATE_LIMITS, startLoadServer, type LoadServer, type LoadServerOptions } from './startLoadServer.js';
export { spawnLoadServer } from './spawnLoadServer.js';
