// @peculiar/x509 (the authenticator's attestation CA) needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveProfile } from '../../core/authenticator/index.js';
import { openBrowser, type BrowserSession } from '../../core/browser/index.js';
import { systemClock } from '../../core/clock.js';
import { memoryPhoneRegistry } from '../../core/harness/phoneRegistry.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/browser.js';

/**
 * The WebAuthn Signal API reaching a phone carried into Chromium (`pkh browse`): in shim mode the
 * harness's shim answers `PublicKeyCredential.signal*`; in cdp mode Chromium's own virtual
 * authenticator honours them (Chromium 156 deletes on signalUnknownCredential and
 * signalAllAcceptedCredentials), and the sync drops the credential from the phone too.
 * One Chromium and one tiny page server for the file.
 */
let browser: Browser;
let server: Server;
let url: string;

/** What the page does, as an RP's page would: register a passkey, then tell the provider it is unknown. */
const REGISTER = `(async () => {
  const cred = await navigator.credentials.create({ publicKey: { rp: { id: 'localhost', name: 'RP' }, user: { id: new Uint8Array([7, 7, 7]), name: 'hanako', displayName: 'Hanako' },
    challenge: new Uint8Array(32), pubKeyCredParams: [{ type: 'public-key', alg: -7 }], authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' } } });
  return cred.id;
})()`;
const signalUnknown = (id: string) => `PublicKeyCredential.signalUnknownCredential({ rpId: 'localhost', credentialId: ${JSON.stringify(id)} }).then(() => 'resolved', (e) => e.name)`;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>rp</title>'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://localhost:${(server.address() as AddressInfo).port}/`;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

describe.each(['shim', 'cdp'] as const)('Signal API in %s mode', (mode) => {
  it('signalUnknownCredential removes the credential from the phone', async () => {
    const phones = memoryPhoneRegistry(systemClock);
    phones.create('p', 'iphone-icloud');
    const session: BrowserSession = await openBrowser({ url, profile: resolveProfile('iphone-icloud'), credentials: phones.get('p').credentials, mode, browser });
    try {
      const id = (await session.page.evaluate(REGISTER)) as string;
      await session.sync();
      expect(phones.get('p').credentials.list()).toHaveLength(1);
      // A foreign RP ID is refused as a browser would refuse it, and changes nothing.
      expect(await session.page.evaluate(`PublicKeyCredential.signalUnknownCredential({ rpId: 'example.com', credentialId: ${JSON.stringify(id)} }).then(() => 'resolved', (e) => e.name)`)).toBe('SecurityError');
      expect(await session.page.evaluate(signalUnknown(id))).toBe('resolved');
      await session.sync();
      expect(phones.get('p').credentials.list()).toEqual([]);
      expect(session.signals.flatMap((s) => s.removed)).toEqual([id]);
    } finally {
      await session.close();
    }
  }, 60_000);
});
