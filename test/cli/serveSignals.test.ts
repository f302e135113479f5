import { beforeAll, describe, expect, it } from 'vitest';
import { cliAsync, ensureBuilt, tempDir } from './support.js';

beforeAll(() => ensureBuilt(), 180_000);

/**
 * `start` / `serve` must shut down cleanly on SIGINT whenever it arrives after the first line of
 * output: the handlers are installed before anything is printed and kept until the server closed.
 * (test/cli/cli.test.ts `start falls back…` failed on a loaded machine with exit null: the signal
 * beat `process.on('SIGINT')`, and Node's default action killed the process.)
 */
function run(onFirstStderr: (child: ReturnType<typeof cliAsync>, stderr: string) => void) {
  const child = cliAsync(['start', '--port', '0'], { home: tempDir() });
  let stderr = '';
  let signalled = false;
  child.stderr.on('data', (d) => {
    stderr += d;
    if (!signalled) {
      signalled = true;
      onFirstStderr(child, stderr);
    }
  });
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: () => string }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr: () => stderr })));
}

describe('start/serve and SIGINT', () => {
  it('a SIGINT sent as soon as the first line appears (still starting) stops it cleanly: exit 0, never killed', async () => {
    const exited = await run((child) => child.kill('SIGINT'));
    expect({ code: exited.code, signal: exited.signal }).toEqual({ code: 0, signal: null });
    expect(exited.stderr().split('\n')[0]).toBe('Electron is not installed here; starting browser mode instead.');
    expect(exited.stderr()).toContain('stopped (SIGINT)');
    // Issue 11 item 3: a first start says where it created the vault's random key.
    expect(exited.stderr()).toMatch(/^vault key: \/\S+\.phones\.key \(created now\); /m);
  }, 60_000);

  it('a second SIGINT while it shuts down does not kill it half-closed', async () => {
    const exited = await run((child) => {
      child.kill('SIGINT');
      child.kill('SIGINT');
    });
    expect({ code: exited.code, signal: exited.signal }).toEqual({ code: 0, signal: null });
  }, 60_000);
});
