// Child-process entry of `spawnLoadServer`: serves a load server until the parent disconnects,
// so the load generator and the server each get their own event loop (and core).
import 'reflect-metadata';
import { startLoadServer, type LoadServerOptions } from './startLoadServer.js';

const options = JSON.parse(process.argv[2] ?? '{}') as LoadServerOptions;
const server = await startLoadServer(options);
let closing = false;
const stop = () => {
  if (closing) return;
  closing = true;
  void server.close().finally(() => process.disconnect?.());
};
process.on('message', (message) => {
  if (message === 'close') stop();
});
process.on('disconnect', stop);
process.on('SIGTERM', stop);
process.send?.({ url: server.url, port: server.port, dbPath: server.dbPath, pid: process.pid });
