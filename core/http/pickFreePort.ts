import { createServer } from 'node:net';

/**
 * The RP must know its origin (`http://localhost:PORT`) before it exists, so a front end that
 * asks for "any port" picks a free loopback port first, then creates the RP and listens on it.
 */
export function pickFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}
