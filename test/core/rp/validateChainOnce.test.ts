import 'reflect-metadata';
import { afterEach, expect, it, vi } from 'vitest';
import { deriveBytes, deriveKey, derToPem, issueCertificate } from '../../../core/mds/certificates.js';
import { validateChainOnce } from '../../../core/rp/attestation/validateChainOnce.js';

const DAY = 24 * 3600_000;
afterEach(() => vi.useRealTimers());

async function chainValidFor(days: number, label: string) {
  const secret = deriveBytes(new TextEncoder().encode(label), 'test', 32);
  const rootKey = deriveKey(secret, 'root');
  const leafKey = deriveKey(secret, 'leaf');
  const notBefore = new Date(Date.now() - DAY);
  const rootName = `C=US, O=Test, CN=${label} Root`;
  const root = await issueCertificate({ subject: rootName, key: rootKey, serial: deriveBytes(secret, 's1', 16), notBefore, notAfter: new Date(Date.now() + 365 * DAY), ca: true });
  const leaf = await issueCertificate({ subject: `C=US, O=Test, CN=${label} Leaf`, key: leafKey, issuer: { name: rootName, key: rootKey }, serial: deriveBytes(secret, 's2', 16), notBefore, notAfter: new Date(Date.now() + days * DAY), ca: false });
  return { leaf: derToPem(leaf), root: derToPem(root) };
}

it('a remembered chain still needs the same roots, and is walked again once a certificate has expired', async () => {
  const a = await chainValidFor(2, 'a');
  const b = await chainValidFor(2, 'b');
  await validateChainOnce([a.leaf], [a.root]);
  await validateChainOnce([a.leaf], [a.root]); // remembered
  await expect(validateChainOnce([a.leaf], [b.root])).rejects.toThrow();
  // Three days on, the leaf has expired: the remembered success must not be used.
  vi.useFakeTimers({ now: Date.now() + 3 * DAY, toFake: ['Date'] });
  await expect(validateChainOnce([a.leaf], [a.root])).rejects.toThrow();
});
