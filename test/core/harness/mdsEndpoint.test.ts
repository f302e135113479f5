import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BaseMetadataService, SettingsService } from '@simplewebauthn/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../core/harness/index.js';

const YUBIKEY = 'cb69481e-8ff7-4039-93ec-0a2729a154a8';

describe('GET /mds/blob on a running server (no token), read by @simplewebauthn/server MetadataService', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pkh-mds-http-'));
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ dbPath: join(dir, 'server.sqlite'), passphrase: 'pass phrase', staticDir: null, actor: { name: 'test', role: 'operator' } });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the BLOB without a token, and MetadataService pinned to pkh mds root loads it', async () => {
    const response = await fetch(`${server.url}/mds/blob`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/jwt/);
    expect((await response.text()).split('.')).toHaveLength(3);

    const root = await server.harness['mds.root']({});
    SettingsService.setRootCertificates({ identifier: 'mds', certificates: [root.pem] });
    const service = new BaseMetadataService();
    await service.initialize({ mdsServers: [`${server.url}/mds/blob`], verificationMode: 'strict' });
    expect((await service.getStatement(YUBIKEY))?.description).toBe('YubiKey 5 NFC');
  });

  it('serves the broken BLOB chosen with mds.serve, which MetadataService refuses', async () => {
    await server.harness['mds.serve']({ broken: 'unknown-root' });
    try {
      const service = new BaseMetadataService();
      await service.initialize({ mdsServers: [`${server.url}/mds/blob`], verificationMode: 'strict' });
      await expect(service.getStatement(YUBIKEY)).rejects.toThrow(/No metadata statement/);
    } finally {
      await server.harness['mds.serve']({ broken: null });
    }
  });
});
