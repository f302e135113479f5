import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeForDisplay } from '../../core/rp/index.js';
import { startFuzzEnv, type FuzzEnv } from './support.js';

/**
 * Issue 6, log and display injection: CR/LF and ANSI escapes in a passkey name (customer text)
 * must not reach a human-readable output raw. JSON outputs (HTTP, audit readout) escape them by
 * being JSON; the registration notice mail is plain text and escapes them with escapeForDisplay.
 */
const HOSTILE = 'iPhone\r\n\u001b[31mFAKE: admin approved\u001b[0m\u202e';
let env: FuzzEnv;
beforeAll(async () => {
  env = await startFuzzEnv();
});
afterAll(async () => {
  await env?.close();
});

describe('display injection', () => {
  it('escapeForDisplay leaves no control, ANSI or bidi character', () => {
    const out = escapeForDisplay(HOSTILE);
    expect(out).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(out).toContain('\\r\\n\\e[31m');
  });

  it('escapeForDisplay shows the invisible ones too: byte order mark, zero width space, bidi marks', () => {
    expect(escapeForDisplay('\uFEFFnone')).toBe('\\u{feff}none');
    expect(escapeForDisplay('a\u200Bb\u200Ec\u200Fd')).toBe('a\\u{200b}b\\u{200e}c\\u{200f}d');
    // Joiners inside emoji and Japanese text are left alone.
    expect(escapeForDisplay('👨\u200D👩 山田')).toBe('👨\u200D👩 山田');
  });

  it('a passkey named with CR/LF/ANSI: the notice mail shows it escaped; JSON readouts stay one line per value', async () => {
    const reply = await env.agent.post('/api/passkeys/registration/verify', { ceremonyId: env.newRegistrationCeremony(0), response: env.registrations[0]!.response, name: HOSTILE });
    expect(reply.status).toBe(200);
    const notice = env.rp.listMail({ to: 'taro@example.jp' }).messages.find((m) => m.subject.includes('パスキー登録完了'))!;
    expect(notice.text).not.toMatch(/[\u001b\r\u202e]/);
    expect(notice.text).toContain(escapeForDisplay(HOSTILE.trim()));
    expect(notice.text.split('\n').some((l) => l.startsWith('\u001b') || l.startsWith('FAKE'))).toBe(false);
    const raw = await fetch(`${env.url}/api/passkeys`, { headers: { cookie: `pkh_session=${env.sessionId}` } }).then((r) => r.text());
    expect(raw).not.toMatch(/[\u0000-\u001f]/);
    const admin = env.rp.admin.createAdmin({ name: 'ops', role: 'viewer' });
    const audit = JSON.stringify(env.rp.admin.readAudit({ admin: admin.name }));
    expect(audit).not.toMatch(/[\u0000-\u001f]/);
    env.resetAfterSuccess();
  });
});
