import { measureRawCrypto } from '../rawCrypto.js';
import type { Section } from '../section.js';

/** The limit everything else is measured against: raw signatures of node:crypto (OpenSSL) and @noble/curves. */
export async function run(): Promise<Section> {
  const r = await measureRawCrypto({ durationMs: 400, rounds: 3 });
  const row = (lib: string, curve: string, sign: number, verifyRate: number, verifyImport: number | string, keygen: number | string) => [lib, curve, Math.round(sign), Math.round(verifyRate), typeof verifyImport === 'number' ? Math.round(verifyImport) : verifyImport, typeof keygen === 'number' ? Math.round(keygen) : keygen];
  return {
    title: 'Raw crypto limits (ops/s, best of 3 interleaved rounds)',
    columns: ['library', 'curve', 'sign/s', 'verify/s', 'verify+import/s', 'keygen/s'],
    rows: [
      row('node:crypto', 'P-256', r.nodeP256Sign, r.nodeP256Verify, r.nodeP256VerifyImport, r.nodeP256Keygen),
      row('node:crypto', 'Ed25519', r.nodeEd25519Sign, r.nodeEd25519Verify, '-', '-'),
      row('@noble/curves', 'P-256', r.nobleP256Sign, r.nobleP256Verify, '-', '-'),
      row('@noble/curves', 'Ed25519', r.nobleEd25519Sign, r.nobleEd25519Verify, '-', '-'),
    ],
    notes: ['verify+import = SPKI DER → KeyObject → verify, what an RP does per login when it does not cache keys. Message = 69 bytes (authData ‖ clientDataHash).'],
  };
}
