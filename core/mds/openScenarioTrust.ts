import type { Clock } from '../clock.js';
import type { Random } from '../random.js';
import { memoryMdsState } from './mdsState.js';
import { openHarnessCa, type HarnessCa } from './openHarnessCa.js';
import type { HarnessTrust } from './openHarnessTrust.js';
import { openMds } from './openMds.js';
import { seededTrust, type TrustMaterial } from './trustFile.js';

/** The fixed seed every in-memory world derives its CA from: runs replay with the same keys. */
export const SCENARIO_TRUST_SEED = 'passkey-harness scenarios';

let shared: Promise<{ material: TrustMaterial; ca: HarnessCa }> | undefined;

/**
 * Trust for a scenario world or an in-memory harness: one seed-derived CA per process (its
 * certificates are issued once — issuing costs ≈ 50 ms, too much per scenario), and a fresh MDS
 * per call, so a status set in one scenario never leaks into another.
 */
export async function openScenarioTrust(options: { clock?: Clock; random?: Random } = {}): Promise<HarnessTrust> {
  shared ??= (async () => {
    const material = seededTrust(SCENARIO_TRUST_SEED);
    return { material, ca: await openHarnessCa({ material }) };
  })().catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  const { material, ca } = await shared;
  const mds = await openMds({ material, attestationRoot: ca.rootCertificate, state: memoryMdsState(), ...options });
  return { material, ca, mds };
}
