import { HarnessError } from '../../errors.js';
import type { RpContext } from '../context.js';
import { currentMetadata, currentStatus, today } from './currentMetadata.js';
import { REJECTED_STATUSES } from './evaluateAttestation.js';

export interface StatusAtLogin {
  /** The model's status in force now, when the metadata knows the AAGUID. */
  status: string | null;
  /** True when that status is one the RP rejects (recorded, warned or refused per policy). */
  rejected: boolean;
  /** Why no status could be read (no source, BLOB refused or expired). */
  unavailable: string | null;
}

/**
 * Login-time look at a passkey's model under the `metadata` policy: a model revoked (or
 * compromised) after registration is recorded, warned about in the audit, or refused
 * (`policy.revokedModelAtLogin`). Missing metadata never blocks a login: it is recorded.
 */
export async function checkAuthenticatorStatus(ctx: RpContext, passkey: { aaguid: string }): Promise<StatusAtLogin | null> {
  if (ctx.policy.attestationPolicy !== 'metadata' || !ctx.trust.metadata) return null;
  let meta;
  try {
    meta = await currentMetadata(ctx);
  } catch (error) {
    return { status: null, rejected: false, unavailable: error instanceof Error ? error.message : String(error) };
  }
  const entry = meta.entry(passkey.aaguid);
  const report = entry ? currentStatus(entry, today(ctx)) : undefined;
  const status = report?.status ?? null;
  const rejected = status !== null && REJECTED_STATUSES.includes(status);
  if (rejected && ctx.policy.revokedModelAtLogin === 'refuse') {
    throw new HarnessError('AUTHENTICATOR_STATUS_REJECTED', `${entry?.metadataStatement?.description ?? passkey.aaguid} has status ${status} since ${report?.effectiveDate ?? 'an unknown date'}`, {
      details: { aaguid: passkey.aaguid, status, effectiveDate: report?.effectiveDate ?? null },
    });
  }
  return { status, rejected, unavailable: meta.expired ? `the metadata BLOB expired on ${meta.nextUpdate}` : null };
}
