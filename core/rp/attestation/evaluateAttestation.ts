import { X509Certificate } from 'node:crypto';
import type { MetadataBLOBPayloadEntry } from '@simplewebauthn/server';
import { HarnessError } from '../../errors.js';
import type { RpContext } from '../context.js';
import { certificatePem as pem } from './certificatePem.js';
import { isUnattested, type AttestationType, type CheckedStatement } from './checkAttestationStatement.js';
import { currentMetadata, currentStatus, today, type MetadataView } from './currentMetadata.js';
import type { PasskeyAttestation } from './types.js';
import { validateChainOnce } from './validateChainOnce.js';

/** MDS3 §3.1.4: statuses after which an RP should no longer trust the model. */
export const REJECTED_STATUSES = ['REVOKED', 'USER_VERIFICATION_BYPASS', 'ATTESTATION_KEY_COMPROMISE', 'USER_KEY_REMOTE_COMPROMISE', 'USER_KEY_PHYSICAL_COMPROMISE'];

type MdsAttestationType = NonNullable<MetadataBLOBPayloadEntry['metadataStatement']>['attestationTypes'][number];

/**
 * The MDS3 `attestationTypes` value (Metadata Statement v3 §4, values from the FIDO Registry of
 * Predefined Values §3.7) a model's entry must list to anchor each attested type: basic_full
 * (ATTESTATION_BASIC_FULL) for basic, attca (ATTESTATION_ATTCA) for tpm's AttCA (WebAuthn §8.3),
 * anonca (ATTESTATION_ANONCA) for apple's Anonymization CA (WebAuthn §8.8).
 */
const MDS_ATTESTATION_TYPE: Record<Exclude<AttestationType, 'none' | 'self'>, MdsAttestationType> = { basic: 'basic_full', attca: 'attca', anonca: 'anonca' };

const ALG_SIGN: Record<number, string> = { [-7]: 'secp256r1_ecdsa_sha256_raw', [-8]: 'ed25519_eddsa_sha512_raw', [-257]: 'rsassa_pkcsv15_sha256_raw' };

/** The anchor among `roots` that signed the chain's last certificate. */
function anchorOf(chain: Uint8Array[], roots: string[]): X509Certificate | undefined {
  const last = new X509Certificate(chain.at(-1)!);
  for (const root of roots) {
    try {
      const anchor = new X509Certificate(root);
      if (last.checkIssued(anchor) && last.verify(anchor.publicKey)) return anchor;
    } catch {
      // A root Node cannot parse anchors nothing here (the library's walk already chose one it could).
    }
  }
  return undefined;
}

/**
 * RFC 5280 §6.1.3 (a)(2): every certificate of the path must be valid at the time of the decision,
 * which is the RP's clock. The library's walk (validateChainOnce) checks the same windows against
 * the process clock (Date.now(), it takes no other), and it stays: it is what checks the
 * signatures. In a deployment both clocks agree; with an injected clock (tests, scenario replays)
 * a certificate must be valid at both, and the RP's clock decides what is recorded.
 */
function checkValidityAt(ctx: RpContext, certificates: X509Certificate[]): void {
  const now = ctx.clock.now();
  for (const cert of certificates) {
    const from = Date.parse(cert.validFrom);
    const to = Date.parse(cert.validTo);
    if (now < from || now > to) {
      const subject = cert.subject.replace(/\n/g, ', ');
      throw new HarnessError('ATTESTATION_UNTRUSTED', `attestation certificate "${subject}" is ${now < from ? 'not yet valid' : 'expired'} at ${new Date(now).toISOString()} (valid ${new Date(from).toISOString()} to ${new Date(to).toISOString()})`, {
        details: { subject, notBefore: new Date(from).toISOString(), notAfter: new Date(to).toISOString(), now: new Date(now).toISOString() },
      });
    }
  }
}

/** The subject of the anchor the chain reaches, or null; throws when a certificate of the path is outside its validity at the RP's clock. */
async function chainReaches(ctx: RpContext, x5c: Uint8Array[], roots: string[]): Promise<string | null> {
  if (roots.length === 0) return null;
  // android-key chains end with the root itself; the library refuses a path that holds its anchor twice.
  const last = Buffer.from(x5c.at(-1)!).toString('base64');
  const chain = x5c.length > 1 && roots.some((root) => root.replace(/-----[A-Z ]+-----|\s/g, '') === last) ? x5c.slice(0, -1) : x5c;
  try {
    await validateChainOnce(chain.map((c) => pem(c)), roots);
  } catch {
    return null;
  }
  const anchor = anchorOf(chain, roots);
  checkValidityAt(ctx, [...chain.map((c) => new X509Certificate(c)), ...(anchor ? [anchor] : [])]);
  return anchor?.subject.replace(/\n/g, ', ') ?? 'configured root';
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
 *   (AUTHENTICATOR_STATUS_REJECTED names it), list the statement's attestation type
 *   (MDS_ATTESTATION_TYPE) and its algorithm, and the chain must reach the entry's
 *   attestationRootCertificates (FIDO MDS3 §3.1.8, WebAuthn §7.1 step 23);
 * under both, every certificate of the path and its anchor must be valid at ctx.clock;
 * none/self attestation is accepted or refused by `policy.unattested` under the last two.
 */
export async function evaluateAttestation(
  ctx: RpContext,
  input: { fmt: string; statement: CheckedStatement; aaguid: string; alg: number },
): Promise<PasskeyAttestation> {
  const { fmt, statement, aaguid, alg } = input;
  const policy = ctx.policy.attestationPolicy;
  const day = today(ctx);
  const { type } = statement;
  const unattested = isUnattested(type);
  const record = (trustPath: PasskeyAttestation['trustPath'], anchor: string | null, metadata: PasskeyAttestation['metadata']): PasskeyAttestation => ({
    fmt,
    type,
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
      if (ctx.policy.unattested === 'refuse') throw new HarnessError('ATTESTATION_UNTRUSTED', `${type} attestation is not accepted: this RP requires a certificate chain to a trusted root`);
      return record('unattested', null, info);
    }
    const anchor = await chainReaches(ctx, statement.x5c, ctx.trust.attestationRoots);
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
    if (ctx.policy.unattested === 'refuse') throw new HarnessError('ATTESTATION_UNTRUSTED', `${type} attestation is not accepted: this RP requires attestation its metadata can anchor`);
    return record('unattested', null, info);
  }
  const ms = entry.metadataStatement;
  const required = MDS_ATTESTATION_TYPE[type];
  const listed: MdsAttestationType[] = Array.isArray(ms?.attestationTypes) ? ms.attestationTypes : [];
  if (ms && !listed.includes(required)) {
    throw new HarnessError('ATTESTATION_UNTRUSTED', `the metadata does not list ${required} attestation for this model, which a ${fmt} statement needs (listed: ${listed.join(', ') || 'nothing'})`, {
      details: { aaguid, fmt, required, listed },
    });
  }
  if (ms && ALG_SIGN[alg] && !ms.authenticationAlgorithms.includes(ALG_SIGN[alg] as never)) throw new HarnessError('ATTESTATION_UNTRUSTED', `the metadata does not list algorithm ${alg} for this model`);
  const roots = (ms?.attestationRootCertificates ?? []).map((c) => pem(c));
  const anchor = await chainReaches(ctx, statement.x5c, roots);
  if (!anchor) throw new HarnessError('ATTESTATION_UNTRUSTED', "the attestation certificate chain does not reach the model's metadata roots");
  return record('trusted', anchor, info);
}
