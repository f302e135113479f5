import { afterEach, describe, expect, it } from 'vitest';
import { serveHarness } from './harnessServer.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The real harness behind the real HTTP server, as `pkh serve` mounts it, and a viewer's agent. */
async function serve() {
  const { harness, viewerToken, as } = await serveHarness({ seed: 'viewer-messages', cleanups, actor: 'cli:root' });
  await harness['users.create']({ username: 'alice' });
  await harness['phones.create']({ name: 'p' });
  const { passkey } = await harness.enroll({ username: 'alice', phone: 'p' });
  return { harness, viewer: as(viewerToken), credentialId: passkey.credentialId };
}

describe('a viewer refused an operator channel over HTTP', () => {
  it('hears the channel it called and who it is, whether the harness or the RP refuses it', async () => {
    const { viewer, credentialId } = await serve();
    const calls: [string, Record<string, unknown>][] = [
      ['users.lock', { username: 'alice', reason: 'suspected takeover' }],
      ['users.unlock', { username: 'alice', reason: 'customer called back' }],
      ['admin.revoke', { credentialId, reason: 'lost phone', ticket: 'SUP-1' }],
      ['admin.reset', { username: 'alice', reason: 'lost phone', ticket: 'SUP-1' }],
      // Refused by the harness itself (the RP never sees it): the wording to match.
      ['phones.create', { name: 'q' }],
    ];
    for (const [channel, body] of calls) {
      const res = await viewer.post(`/api/harness/${channel}`, body);
      expect(res.status, channel).toBe(403);
      expect(res.body.error, channel).toEqual({ code: 'FORBIDDEN', message: `${channel} needs the operator role (cli:root:viewer is a viewer)` });
    }
  });

  it('still leaves the RP’s own audit row for the refusals it guards, and changes nothing', async () => {
    const { harness, viewer, credentialId } = await serve();
    await viewer.post('/api/harness/admin.revoke', { credentialId, reason: 'lost phone', ticket: 'SUP-1' });
    await viewer.post('/api/harness/users.lock', { username: 'alice', reason: 'suspected takeover' });
    const refused = (await harness['admin.audit']({})).filter((e) => e.details.code === 'FORBIDDEN').map((e) => [e.actor, e.action]);
    expect(refused).toEqual([
      ['admin:cli:root:viewer', 'admin.revokePasskey'],
      ['admin:cli:root:viewer', 'admin.lockAccount'],
    ]);
    expect((await harness['admin.passkeys']({ username: 'alice' }))[0]!.revokedAt).toBeNull();
  });
});
