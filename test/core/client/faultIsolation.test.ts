import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../../core/authenticator/createAuthenticator.js';
import { createClient } from '../../../core/client/createClient.js';

const origin = 'https://bank.example.jp';
const b64 = (n: number, fill = 1) => Buffer.alloc(n, fill).toString('base64url');
const options = (n: number) =>
  ({ rp: { name: 'Bank', id: 'bank.example.jp' }, user: { id: b64(8, n), name: `u${n}`, displayName: 'U' }, challenge: b64(32), pubKeyCredParams: [{ type: 'public-key', alg: -7 }] }) as never;
const upFlag = (authenticatorData: string | undefined) => (Buffer.from(authenticatorData ?? '', 'base64url')[32]! & 0x01) === 0x01;

describe('client faults are per ceremony', () => {
  // Two ceremonies on one phone overlap while the first waits at the prompt: a client's own faults
  // must neither reach the other ceremony nor stay armed on the phone afterwards.
  it('does not leak one client\'s faults into an overlapping ceremony, nor leave them armed', async () => {
    const waiting: (() => void)[] = [];
    const authenticator = createAuthenticator({ seed: 'faults', localAuth: () => new Promise((resolve) => waiting.push(() => resolve('approve'))) });
    const faulty = createClient({ authenticator, origin, faults: { clearUp: true } });
    const other = createClient({ authenticator, origin, faults: { corruptSignature: true } });
    const first = faulty.create(options(1));
    await expect.poll(() => waiting.length).toBe(1);
    const second = other.create(options(2));
    await expect.poll(() => waiting.length).toBe(2);
    waiting[0]!();
    waiting[1]!();
    const [a, b] = await Promise.all([first, second]);
    expect(upFlag(a.response.authenticatorData)).toBe(false);
    expect(upFlag(b.response.authenticatorData)).toBe(true);
    expect(authenticator.faults).toEqual({});
  });

  it('still applies the phone\'s armed faults together with the client\'s', async () => {
    const authenticator = createAuthenticator({ seed: 'faults-2', faults: { clearUp: true } });
    const response = await createClient({ authenticator, origin, faults: { corruptSignature: true } }).create(options(1));
    expect(upFlag(response.response.authenticatorData)).toBe(false);
    expect(authenticator.faults).toEqual({ clearUp: true });
  });
});
