import type { Clock } from '../clock.js';
import { HarnessError, type HarnessErrorCode } from '../errors.js';
import type { Mailer } from '../mail/index.js';
import type { Random } from '../random.js';
import type { Store } from '../store/index.js';
import type { RpPolicy } from './policy.js';
import type { RpTrust } from './attestation/types.js';
import type { VerifiedMetadata } from './attestation/verifyMetadataBlob.js';

/** What every operation receives: injected collaborators plus the RP's identity. */
export interface RpContext {
  store: Store;
  rpId: string;
  rpName: string;
  origins: string[];
  clock: Clock;
  /** Values a ceremony shows and a replay may reproduce (user handles). */
  random: Random;
  /**
   * Everything an attacker must not predict: session IDs, challenges (and so sealed ceremony handles), step-up codes,
   * salts, OTP secrets, the per-database secret. The OS CSPRNG unless a caller injects one (a scenario
   * world in its own memory database replays them from its seed; a server never does).
   */
  secrets: Random;
  mailer: Mailer;
  policy: RpPolicy;
  /** Per-database secret for fake credential IDs (unknown users must look like known ones). */
  secret: Uint8Array;
  /** Attestation anchors and the metadata source (attestation/). */
  trust: RpTrust;
  /** The last metadata BLOB this RP verified (MDS3 §3.1.8: a refused BLOB falls back to it). */
  metadataCache: { blob?: string; verified?: VerifiedMetadata };
}

/** One hash-chained audit row at the RP's clock; inside a transaction it commits with the change it records. */
export function audit(
  ctx: RpContext,
  entry: { actor: string; action: string; outcome: 'success' | 'failure'; code?: HarnessErrorCode | string | null; accountId?: number | null; details?: Record<string, unknown> },
): void {
  ctx.store.audit.append({ at: ctx.clock.now(), ...entry });
}

/** Audits a failed operation with its code, then rethrows; non-harness errors are audited as INTERNAL. */
export function auditFailure(ctx: RpContext, error: unknown, entry: { actor: string; action: string; accountId?: number | null; details?: Record<string, unknown> }): never {
  const code = error instanceof HarnessError ? error.code : 'INTERNAL';
  try {
    audit(ctx, { ...entry, outcome: 'failure', code, details: { ...entry.details, message: error instanceof Error ? error.message : String(error) } });
  } catch {
    // The original failure matters more than a failed audit append (e.g. store closed).
  }
  throw error;
}
