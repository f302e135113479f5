import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BaseMetadataService, SettingsService } from '@simplewebauthn/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtInProfiles } from '../../../core/authenticator/index.js';
import { derToPem, openHarnessTrust, type BrokenBlob, type HarnessTrust } from '../../../core/mds/index.js';

const YUBIKEY = builtInProfiles['yubikey-5']!.aaguid;

function b64urlJson(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('local MDS3 BLOB', () => {
  let trust: HarnessTrust;
  let server: Server;
  let url: string;
  let serving: BrokenBlob | null = null;

  beforeAll(async () => {
    trust = await openHarnessTrust({ seed: 'mds-test' });
    server = createServer((_req, res) => {
      void trust.mds.blob({ broken: serving }).then((blob) => res.end(blob));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mds/blob`;
    // The independent consumer pins the harness MDS root, as a real RP pins GlobalSign for FIDO's MDS.
    SettingsService.setRootCertificates({ identifier: 'mds', certificates: [trust.mds.rootPem] });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function consumer(): Promise<BaseMetadataService> {
    const service = new BaseMetadataService();
    await service.initialize({ mdsServers: [url], verificationMode: 'strict' });
    return service;
  }

  it('is a three-part JWS whose x5c chains to the MDS root, with an entry for every built-in profile', async () => {
    const blob = await trust.mds.blob();
    const parts = blob.split('.');
    expect(parts).toHaveLength(3);
    const header = b64urlJson(parts[0]!) as { alg: string; x5c: string[] };
    expect(header.alg).toBe('ES256');
    const payload = b64urlJson(parts[1]!) as { no: number; nextUpdate: string; legalHeader: string; entries: { aaguid: string; metadataStatement: Record<string, unknown>; statusReports: unknown[] }[] };
    expect(payload.legalHeader).toMatch(/Passkey Harness/);
    expect(payload.nextUpdate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(payload.entries.map((e) => e.aaguid).sort()).toEqual(Object.values(builtInProfiles).map((p) => p.aaguid).sort());
    const yubikey = payload.entries.find((e) => e.aaguid === YUBIKEY)!;
    expect(yubikey.metadataStatement).toMatchObject({ description: 'YubiKey 5 NFC', attestationTypes: ['basic_full'], protocolFamily: 'fido2', schema: 3 });
    expect(yubikey.metadataStatement.icon).toMatch(/^data:image\/png;base64,/);
    expect(yubikey.metadataStatement.attestationRootCertificates).toEqual([Buffer.from(trust.ca.rootCertificate).toString('base64')]);

    const dir = mkdtempSync(join(tmpdir(), 'mds-chain-'));
    try {
      writeFileSync(join(dir, 'root.pem'), trust.mds.rootPem);
      writeFileSync(join(dir, 'signer.pem'), derToPem(Buffer.from(header.x5c[0]!, 'base64')));
      expect(execFileSync('openssl', ['verify', '-CAfile', join(dir, 'root.pem'), join(dir, 'signer.pem')], { encoding: 'utf8' })).toMatch(/OK/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("loads into @simplewebauthn/server's MetadataService pinned to the MDS root", async () => {
    serving = null;
    const service = await consumer();
    const statement = await service.getStatement(YUBIKEY);
    expect(statement?.description).toBe('YubiKey 5 NFC');
  });

  it('a compromise status appended by setStatus reaches the consumer (MetadataService refuses the model)', async () => {
    const local = await openHarnessTrust({ seed: 'mds-test' });
    const before = local.mds.no();
    const result = local.mds.setStatus({ aaguid: YUBIKEY, status: 'ATTESTATION_KEY_COMPROMISE', effective: '2026-01-02' });
    expect(result.no).toBe(before + 1);
    const list = local.mds.list().find((e) => e.aaguid === YUBIKEY)!;
    expect(list).toMatchObject({ status: 'ATTESTATION_KEY_COMPROMISE', effectiveDate: '2026-01-02', timeOfLastStatusChange: '2026-01-02' });
    const saved = trust;
    trust = local;
    try {
      const service = await consumer();
      await expect(service.getStatement(YUBIKEY)).rejects.toThrow(/compromised/);
    } finally {
      trust = saved;
    }
  });

  it.each(['bad-signature', 'unknown-root'] as const)('MetadataService refuses a BLOB with %s', async (broken) => {
    serving = broken;
    try {
      const service = await consumer();
      // Strict mode: the refused BLOB left no statements behind.
      await expect(service.getStatement(YUBIKEY)).rejects.toThrow(/No metadata statement/);
    } finally {
      serving = null;
    }
  });

  it('an expired BLOB is loaded but forces a refresh, and a lower no on refresh is refused', async () => {
    serving = 'expired';
    const service = await consumer();
    serving = 'lower-no';
    try {
      await expect(service.getStatement(YUBIKEY)).rejects.toThrow(/not greater than previous no/);
    } finally {
      serving = null;
    }
  });

  it('unknown AAGUIDs and statuses are refused with stable codes', () => {
    expect(() => trust.mds.setStatus({ aaguid: '00000000-0000-0000-0000-000000000001', status: 'REVOKED' })).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => trust.mds.setStatus({ aaguid: YUBIKEY, status: 'BROKEN' as never })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => trust.mds.setStatus({ aaguid: YUBIKEY, status: 'REVOKED', effective: 'tomorrow' })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
