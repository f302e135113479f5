import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { HarnessError } from '../errors.js';
import type { LoadServer, LoadServerOptions } from './startLoadServer.js';

/**
 * `startLoadServer` in a child Node process, so the server does not share an event loop (and a
 * core) with the load generator, as a real server would not. Resolves once it listens.
 */
export async function spawnLoadServer(options: LoadServerOptions & { timeoutMs?: number } = {}): Promise<LoadServer & { pid: number }> {
  const { timeoutMs = 20_000, ...serverOptions } = options;
  const here = import.meta.url;
  const tsSource = here.endsWith('.ts');
  const entry = fileURLToPath(new URL(tsSource ? './loadServerChild.ts' : './loadServerChild.js', here));
  // Under tsx (bench, tests) the child needs the same loader; the built CLI runs plain JS.
  const execArgv = tsSource ? ['--import', 'tsx'] : [];
  const child = fork(entry, [JSON.stringify(serverOptions)], { execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<{ url: string; port: number; dbPath: string; pid: number }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new HarnessError('SERVER_UNAVAILABLE', `load server did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve(message as { url: string; port: number; dbPath: string; pid: number });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new HarnessError('SERVER_UNAVAILABLE', `load server exited (${code}) before listening: ${stderr.trim() || 'no output'}`));
    });
  });
  return {
    ...ready,
    close: async () => {
      if (child.connected) child.send('close');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
