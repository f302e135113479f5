import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock.js';
import { createHarness } from '../../../core/harness/createHarness.js';
import { createHarnessMount } from '../../../core/harness/createHarnessMount.js';
import { createHttpServer } from '../../../core/http/index.js';
import { Agent, freePort } from './support.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Mail {
  id: string;
  subject: string;
  text: string;
  codesMasked?: true;
}

describe('mailbox over HTTP: viewers never read live step-up codes (issue 11 item 7)', () => {
  it('a viewer token gets mailbox.list / mailbox.show with the code masked; the operator token gets the code', async () => {
    const port = await freePort();
    const url = `http://localhost:${port}`;
    const harness = await createHarness({ seed: 'viewer-mail', clock: new ManualClock(), origin: url, actor: { name: 'cli:tester', role: 'operator' } });
    const operatorToken = harness.issueToken({ name: 'cli:tester', role: 'operator' });
    const viewerToken = harness.issueToken({ name: 'cli:tester:viewer', role: 'viewer' });
    const listening = await createHttpServer({ rp: harness.rp as never, harness: createHarnessMount(harness), staticDir: null }).listen({ port });
    cleanups.push(async () => {
      await listening.close();
      await harness.close();
    });
    await harness['users.create']({ username: 'alice', emails: ['alice@example.test'] });
    await harness['phones.create']({ name: 'p' });
    await harness.enroll({ username: 'alice', phone: 'p', stepUp: 'email' });
    // The code as the RP mailed it (what the customer reads).
    const { messages } = await harness.rp.listMail({ to: 'alice@example.test' });
    const codeMail = messages.find((m) => /認証コード/.test(m.subject))!;
    const code = /(?<!\d)\d{6}(?!\d)/.exec(codeMail.text)![0];

    const viewer = new Agent(url, { headers: { authorization: `Bearer ${viewerToken}` } });
    const operator = new Agent(url, { headers: { authorization: `Bearer ${operatorToken}` } });

    const listed = await viewer.post('/api/harness/mailbox.list', {});
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(code);
    const masked = (listed.body.value as Mail[]).find((m) => m.id === String(codeMail.id))!;
    expect(masked.text).toContain('認証コード: ••••••');
    expect(masked.codesMasked).toBe(true);
    const shown = await viewer.post('/api/harness/mailbox.show', { id: String(codeMail.id) });
    expect(shown.status).toBe(200);
    expect(JSON.stringify(shown.body)).not.toContain(code);
    expect((shown.body.value as Mail).text).toContain('••••••');

    const opListed = await operator.post('/api/harness/mailbox.list', {});
    expect((opListed.body.value as Mail[]).find((m) => m.id === String(codeMail.id))).toMatchObject({ text: codeMail.text });
    expect((opListed.body.value as Mail[]).every((m) => m.codesMasked === undefined)).toBe(true);
    const opShown = await operator.post('/api/harness/mailbox.show', { id: String(codeMail.id) });
    expect((opShown.body.value as Mail).text).toContain(`認証コード: ${code}`);
  });
});
