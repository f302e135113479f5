import { ManualClock } from '../../../core/clock.js';
import { createHarness, type Harness } from '../../../core/harness/createHarness.js';
import { createHarnessMount } from '../../../core/harness/createHarnessMount.js';
import { createHttpServer } from '../../../core/http/index.js';
import { Agent, freePort } from './support.js';

/**
 * The real harness behind the real HTTP server, as `pkh serve` mounts it, with an operator token for
 * `actor` and a viewer token for `<actor>:viewer`; `cleanups` gets what closes both.
 */
export async function serveHarness(options: { seed: string; cleanups: (() => Promise<void>)[]; actor?: string }) {
  const actor = options.actor ?? 'cli:tester';
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const harness: Harness = await createHarness({ seed: options.seed, clock: new ManualClock(), origin: url, actor: { name: actor, role: 'operator' } });
  const operatorToken = harness.issueToken({ name: actor, role: 'operator' });
  const viewerToken = harness.issueToken({ name: `${actor}:viewer`, role: 'viewer' });
  const listening = await createHttpServer({ rp: harness.rp as never, harness: createHarnessMount(harness), staticDir: null }).listen({ port });
  options.cleanups.push(async () => {
    await listening.close();
    await harness.close();
  });
  /** An agent sending `token` as its bearer (none: no Authorization header). */
  const as = (token?: string) => new Agent(url, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  return { harness, url, operatorToken, viewerToken, as };
}
