import { X509Certificate } from 'node:crypto';
import { derToPem } from '../../mds/index.js';
import type { HarnessImplementation } from '../channels.js';
import type { CertificateExport } from '../types.js';
import { recordAction, type HandlerContext } from './context.js';

type TrustChannels = 'ca.export' | 'mds.root' | 'mds.blob' | 'mds.list' | 'mds.status' | 'mds.serve';

function certificates(ders: Uint8Array[]): CertificateExport {
  return {
    subject: new X509Certificate(Buffer.from(ders[0]!)).subject.replace(/\n/g, ', '),
    pem: ders.map(derToPem).join(''),
    der: ders.map((der) => Buffer.from(der).toString('base64')),
  };
}

/**
 * The installation's attestation CA and local MDS (docs/ATTESTATION.md): exports for another RP,
 * the BLOB, and the statuses a tester changes to watch the RP react.
 */
export function trustHandlers(ctx: HandlerContext): Pick<HarnessImplementation, TrustChannels> {
  const { trust } = ctx;
  return {
    async 'ca.export'({ chain }) {
      if (!chain) return certificates([trust.ca.rootCertificate]);
      return certificates((await trust.ca.chainFor(chain)).x5c);
    },
    async 'mds.root'() {
      return certificates([trust.mds.rootCertificate]);
    },
    async 'mds.blob'({ broken }) {
      return { blob: await trust.mds.blob(broken === undefined ? {} : { broken }), no: trust.mds.no() };
    },
    async 'mds.list'() {
      return { no: trust.mds.no(), serving: trust.mds.serving(), entries: trust.mds.list() };
    },
    async 'mds.status'({ aaguid, status, effective }) {
      const result = trust.mds.setStatus({ aaguid, status, ...(effective ? { effective } : {}) });
      // The MDS is a file beside the vault, not the RP database: the row follows the change.
      recordAction(ctx, 'mds.status', { details: { aaguid, status, effective: result.report.effectiveDate ?? null, no: result.no } });
      return result;
    },
    async 'mds.serve'({ broken }) {
      const result = trust.mds.serve(broken);
      recordAction(ctx, 'mds.serve', { details: { broken, no: result.no } });
      return result;
    },
  };
}
