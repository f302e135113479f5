import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../../core/authenticator/createAuthenticator.js';
import { memoryCredentialStore } from '../../../core/authenticator/credentials.js';
import type { LocalAuthRequest } from '../../../core/authenticator/localAuth.js';
import { truncateUserText } from '../../../core/authenticator/userText.js';

const bytes = (text: string) => new TextEncoder().encode(text).length;

describe('user.name and user.displayName as the phone keeps them (WebAuthn §6.4.1)', () => {
  it('a name of 64 bytes or less is kept whole; a longer one is cut to at most 64 bytes at a grapheme boundary', () => {
    expect(truncateUserText('yamada.taro@example.jp')).toBe('yamada.taro@example.jp');
    const exactly = 'あ'.repeat(21) + 'a'; // 63 + 1 bytes
    expect(truncateUserText(exactly)).toBe(exactly);
    expect(truncateUserText('あ'.repeat(30))).toBe('あ'.repeat(21));
    // A family emoji is one grapheme of 25 bytes (four people joined by ZWJ): never split.
    const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}';
    const cut = truncateUserText(`${'x'.repeat(50)}${family}`);
    expect(cut).toBe('x'.repeat(50));
    expect(truncateUserText(`${'x'.repeat(39)}${family}y`)).toBe(`${'x'.repeat(39)}${family}`);
    // "e" + combining acute is one grapheme: not left without its accent.
    expect(truncateUserText(`${'x'.repeat(63)}e\u0301`)).toBe('x'.repeat(63));
  });

  it("a hostile RP's 5 MB name is neither stored whole nor shown whole in the device prompt", async () => {
    const credentials = memoryCredentialStore();
    const prompts: LocalAuthRequest[] = [];
    const authenticator = createAuthenticator({ profile: 'iphone-icloud', seed: 'long-name', credentials, localAuth: async (r) => (prompts.push(r), 'approve') });
    const huge = 'N'.repeat(5 * 1024 * 1024);
    const made = await authenticator.makeCredential({
      rpId: 'bank.example.jp',
      clientDataHash: new Uint8Array(32),
      user: { id: Uint8Array.of(7), name: huge, displayName: `表示名${huge}` },
      pubKeyCredParams: [{ alg: -7 }],
      residentKey: 'required',
    });
    const stored = credentials.get(made.credentialId)!;
    expect(stored.userName).toBe('N'.repeat(64));
    expect(bytes(stored.userDisplayName!)).toBeLessThanOrEqual(64);
    expect(stored.userDisplayName!.startsWith('表示名NNN')).toBe(true);
    expect(prompts.map((p) => p.userName)).toEqual(['N'.repeat(64)]);
  });
});
