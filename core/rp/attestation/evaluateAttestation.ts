import { X509Certificate } from 'node:crypto';
import type { MetadataBLOBPayloadEntry } from '@simplewebauthn/server';
import { HarnessError } from '../../errors.js';
import type { RpContext } from '../context.js';
import { certificatePem as pem } from './certificatePem.js';
import type { CheckedStatement } from './checkAttestationStatement.js';
import { currentMetadata, currentStatus, today, type MetadataView } from './currentMetadata.js';
import type { PasskeyAttestation } from './types.js';
import { validateChainOnce } from './validateChainOnce.js';

/** MDS3 §3.1.4: statuses after which an RP should no longer trust the model. */
export const REJECTED_STATUSES = ['REVOKED', 'USER_VERIFICATION_BYPASS', 'ATTESTATION_KEY_COMPROMISE', 'USER_KEY_REMOTE_COMPROMISE', 'USER_KEY_PHYSICAL_COMPROMISE'];

const ALG_SIGN: Record<number, string> = { [-7]: 'secp256r1_ecdsa_sha256_raw', [-8]: 'ed25519_eddsa_sha512_raw', [-257]: 'rsassa_pkcsv15_sha256_raw' };

/** The anchor among `roots` that signed the chain's last certificate (for the record). */
function anchorSubject(chain: Uint8Array[], roots: string[]): string | null {
  const last = new X509Certificate(chain.at(-1)!);
  for (const root of roots) {
    const anchor = new X509Certificate(root);
    if (last.checkIssued(anchor) && last.verify(anchor.publicKey)) return anchor.subject.replace(/\n/g, ', ');
  }
  return null;
}

async function chainReaches(chain: Uint8Array[], roots: string[]): Promise<string | null> {
  if (roots.length === 0) return null;
  try {
    await validateChainOnce(chain.map((c) => pem(c)), roots);
    return anchorSubject(chain, roots) ?? 'configured root';
  } catch {
    return null;
  }
}

function metadataRecord(entry: MetadataBLOBPayloadEntry | undefined, meta: MetadataView | undefined, day: string): PasskeyAttestation['metadata'] {
  if (!entry || !meta) return null;
  const status = currentStatus(entry, day);
  return {
    description: entry.metadataStatement?.description ?? '',
    icon: entry.metadataStatement?.icon ?? null,
    status: status?.status ?? null,
    effectiveDate: status?.effectiveDate ?? null,
    no: meta.no,
  };
}

/**
 * The RP's attestation policy (after the statement verified cryptographically):
 * - `any`: accept every statement (today's behaviour; for tests that need it);
 * - `trusted-roots`: an x5c chain must reach a configured root, else ATTESTATION_UNTRUSTED;
 * - `metadata`: the AAGUID's MDS entry must exist with an acceptable status
 *   (AUTHENTICATOR_STATUS_REJECTED names it) and the chain must reach the entry's
 *   attestationRootCertificates (FIDO MDS3 §3.1.8, WebAuthn §7.1 step 23);
 * none/self attestation is accepted or refused by `policy.unattested` under the last two.
 */
export async function evaluateAttestation(
  ctx: RpContext,
  input: { fmt: string; statement: CheckedStatement; aaguid: string; alg: number },
): Promise<PasskeyAttestation> {
  const { fmt, statement, aaguid, alg } = input;
  const policy = ctx.policy.attestationPolicy;
  const day = today(ctx);
  const unattested = statement.type !== 'basic';
  const record = (trustPath: PasskeyAttestation['trustPath'], anchor: string | null, metadata: PasskeyAttestation['metadata']): PasskeyAttestation => ({
    fmt,
    type: statement.type,
    policy,
    trustPath,
    anchor,
    metadata,
  });

  if (policy !== 'metadata') {
    // Metadata is informational here (description, icon, status): never a reason to refuse.
    let meta: MetadataView | undefined;
    if (ctx.trust.metadata) meta = await currentMetadata(ctx).catch(() => undefined);
    const info = metadataRecord(meta?.entry(aaguid), meta, day);
    if (policy === 'any') return record('not-checked', null, info);
    if (unattested) {
      if (ctx.policy.unattested === 'refuse') throw new HarnessError('ATTESTATION_UNTRUSTED', `${statement.type} attestation is not accepted: this RP requires a certificate chain to a trusted root`);
      return record('unattested', null, info);
    }
    const anchor = await chainReaches(statement.x5c, ctx.trust.attestationRoots);
    if (!anchor) throw new HarnessError('ATTESTATION_UNTRUSTED', ctx.trust.attestationRoots.length === 0 ? 'no attestation root is configured: the certificate chain cannot be trusted' : 'the attestation certificate chain does not reach a trusted root');
    return record('trusted', anchor, info);
  }

  const meta = await currentMetadata(ctx);
  if (meta.expired) throw new HarnessError('METADATA_UNAVAILABLE', `the metadata BLOB expired on ${meta.nextUpdate}: no trust decision without current metadata`);
  const entry = meta.entry(aaguid);
  if (!entry) {
    if (unattested && ctx.policy.unattested === 'accept') return record('unattested', null, null);
    throw new HarnessError('ATTESTATION_UNTRUSTED', `the metadata has no entry for AAGUID ${aaguid}`);
  }
  const status = currentStatus(entry, day);
  if (status && REJECTED_STATUSES.includes(status.status)) {
    throw new HarnessError('AUTHENTICATOR_STATUS_REJECTED', `${entry.metadataStatement?.description ?? aaguid} has status ${status.status} since ${status.effectiveDate ?? 'an unknown date'}`, {
      details: { aaguid, status: status.status, effectiveDate: status.effectiveDate ?? null },
    });
  }
  const info = metadataRecord(entry, meta, day);
  if (unattested) {
    if (ctx.policy.unattested === 'refuse') throw new HarnessError('ATTESTATION_UNTRUSTED', `${statement.type} attestation is not accepted: this RP requires attestation its metadata can anchor`);
    return record('unattested', null, info);
  }
  const ms = entry.metadataStatement;
  if (ms && !ms.attestationTypes.includes('basic_full')) throw new HarnessError('ATTESTATION_UNTRUSTED', 'the metadata does not list basic_full attestation for this model');
  if (ms && ALG_SIGN[alg] && !ms.authenticationAlgorithms.includes(ALG_SIGN[alg] as never)) throw new HarnessError('ATTESTATION_UNTRUSTED', `the metadata does not list algorithm ${alg} for this model`);
  const roots = (ms?.attestationRootCertificates ?? []).map((c) => pem(c));
  const anchor = await chainReaches(statement.x5c, roots);
  if (!anchor) throw new HarnessError('ATTESTATION_UNTRUSTED', "the attestation certificate chain does not reach the model's metadata roots");
  return record('trusted', anchor, info);
}
