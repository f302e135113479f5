import { join } from 'node:path';
import type { CryptoBackend } from '../authenticator/index.js';
import { systemClock, type Clock } from '../clock.js';
import { systemRandom, type Random } from '../random.js';
import { fileMdsState, memoryMdsState } from './mdsState.js';
import { openHarnessCa, type HarnessCa } from './openHarnessCa.js';
import { openMds, type Mds } from './openMds.js';
import { memoryTrust, openTrustFile, seededTrust, type TrustMaterial } from './trustFile.js';

export interface HarnessTrust {
  material: TrustMaterial;
  /** The attestation CA behind every phone's packed x5c / fido-u2f attestation. */
  ca: HarnessCa;
  /** The local FIDO Metadata Service. */
  mds: Mds;
}

export interface OpenHarnessTrustOptions {
  /**
   * Directory of the installation (beside the vault): `trust.json` (sealed secret + issued
   * certificates) and `mds.json` (statuses, serial number). Omitted: nothing on disk.
   */
  dir?: string | null;
  /** File-name stem in `dir`: `<stem>.trust.json` / `<stem>.mds.json` (each vault its own trust); default `trust.json` / `mds.json`. */
  stem?: string;
  /** Seals trust.json: the vault passphrase. */
  passphrase?: string;
  /** Without `dir`: derive everything from this seed (scenarios replay the same keys). */
  seed?: string | Uint8Array;
  clock?: Clock;
  random?: Random;
  backend?: CryptoBackend;
  scryptCost?: number;
}

/** Opens the installation's trust: attestation CA and MDS, persistent when `dir` is given. */
export async function openHarnessTrust(options: OpenHarnessTrustOptions = {}): Promise<HarnessTrust> {
  const { dir, stem, passphrase = '', seed, clock = systemClock, random = systemRandom, backend, scryptCost } = options;
  const file = (name: string): string => join(dir!, stem ? `${stem}.${name}` : name);
  const material = dir
    ? openTrustFile({ path: file('trust.json'), passphrase, clock, random, scryptCost })
    : seed !== undefined
      ? seededTrust(seed)
      : memoryTrust({ random, clock });
  const ca = await openHarnessCa({ material, backend });
  const mds = await openMds({ material, attestationRoot: ca.rootCertificate, state: dir ? fileMdsState(file('mds.json')) : memoryMdsState(), clock, random });
  return { material, ca, mds };
}
