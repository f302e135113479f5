import type { MetadataBLOBPayloadEntry, StatusReport } from '@simplewebauthn/server';
import { HarnessError } from '../../errors.js';
import type { RpContext } from '../context.js';
import { verifyMetadataBlob, type VerifiedMetadata } from './verifyMetadataBlob.js';

export interface MetadataView {
  no: number;
  expired: boolean;
  nextUpdate: string;
  /** Set when the newest BLOB was refused and an older verified one is used instead. */
  fallback: string | null;
  entry(aaguid: string): MetadataBLOBPayloadEntry | undefined;
}

export function today(ctx: RpContext): string {
  return new Date(ctx.clock.now()).toISOString().slice(0, 10);
}

/** The report in force today: the latest whose effectiveDate is not in the future. */
export function currentStatus(entry: MetadataBLOBPayloadEntry, day: string): StatusReport | undefined {
  let found: StatusReport | undefined;
  for (const report of entry.statusReports ?? []) {
    const at = report.effectiveDate ?? '';
    if (at <= day && (!found || at >= (found.effectiveDate ?? ''))) found = report;
  }
  return found;
}

function view(verified: VerifiedMetadata, fallback: string | null): MetadataView {
  const byAaguid = new Map(verified.payload.entries.filter((e) => e.aaguid).map((e) => [e.aaguid!.toLowerCase(), e]));
  return { no: verified.payload.no, expired: verified.expired, nextUpdate: verified.payload.nextUpdate, fallback, entry: (aaguid) => byAaguid.get(aaguid.toLowerCase()) };
}

/**
 * The RP's view of the metadata: the source's BLOB verified against the pinned MDS roots
 * (MDS3 §3.1.8); a refused BLOB falls back to the last one this RP verified, else
 * METADATA_UNAVAILABLE. The highest `no` seen is remembered in the database (rollback check).
 */
export async function currentMetadata(ctx: RpContext): Promise<MetadataView> {
  const source = ctx.trust.metadata;
  if (!source) throw new HarnessError('METADATA_UNAVAILABLE', 'no metadata source is configured');
  const cache = ctx.metadataCache;
  const day = today(ctx);
  let blob: string;
  try {
    blob = await source.blob();
  } catch (cause) {
    if (cache.verified) return view({ ...cache.verified, expired: cache.verified.payload.nextUpdate < day }, 'the metadata source failed');
    throw new HarnessError('METADATA_UNAVAILABLE', 'the metadata source failed', { cause });
  }
  if (cache.verified && blob === cache.blob) return view({ ...cache.verified, expired: cache.verified.payload.nextUpdate < day }, null);
  const lastNo = Number(ctx.store.meta.get('rp.mds.no') ?? '0');
  try {
    const verified = await verifyMetadataBlob({ blob, roots: ctx.trust.mdsRoots, today: day, lastNo });
    if (verified.payload.no > lastNo) ctx.store.meta.set('rp.mds.no', String(verified.payload.no));
    cache.blob = blob;
    cache.verified = verified;
    return view(verified, null);
  } catch (error) {
    if (cache.verified && error instanceof HarnessError) return view({ ...cache.verified, expired: cache.verified.payload.nextUpdate < day }, error.message);
    throw error;
  }
}
