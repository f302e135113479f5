import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { SHIM_BINDING, shimScript } from '../../../core/browser/shimScript.js';

/** The page script in a bare realm: a navigator whose binding answers what the harness answered. */
function shimmedPage(reply: unknown) {
  const navigator = { credentials: {} as { create?: (r: unknown) => Promise<unknown> } };
  const window: Record<string, unknown> = { [SHIM_BINDING]: async () => reply };
  runInNewContext(shimScript({ origins: [], platform: true }), { window, navigator, location: { origin: 'https://bank.example' }, DOMException, TypeError, btoa, atob, ArrayBuffer, Uint8Array, Object, JSON });
  return navigator.credentials;
}
const refusal = (code: string) => ({ ok: false, error: { code, message: 'refused' } });
const request = { publicKey: { challenge: new Uint8Array(16) } };

describe('shim: how a refused ceremony reaches the page', () => {
  it('options the client refuses as malformed are a TypeError, as a browser’s Web IDL conversion throws', async () => {
    for (const code of ['INVALID_INPUT', 'BASE64URL_INVALID']) {
      const error = await shimmedPage(refusal(code)).create!(request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toContain(`(${code})`);
    }
  });

  it('device refusals stay DOMExceptions with the spec’s names', async () => {
    for (const [code, name] of [['INVALID_STATE', 'InvalidStateError'], ['NOT_ALLOWED', 'NotAllowedError'], ['SECURITY_ERROR', 'SecurityError'], ['NOT_SUPPORTED', 'NotSupportedError'], ['SOMETHING_ELSE', 'NotAllowedError']]) {
      const error = await shimmedPage(refusal(code!)).create!(request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DOMException);
      expect((error as DOMException).name).toBe(name);
    }
  });
});
