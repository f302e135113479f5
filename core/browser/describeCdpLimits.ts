import type { DeviceProfile } from '../authenticator/index.js';
import { cdpTransport } from './cdpCommands.js';

/** The AAGUID Chromium's virtual authenticator (ctap2) puts in every registration. */
export const CDP_AAGUID = '01020304-0506-0708-0102-030405060708';

export interface CdpLimit {
  /** What differs: aaguid, attestation, counter, transports, algorithms, credentialIdLength. */
  field: string;
  profile: string;
  cdp: string;
}

/**
 * What Chromium's CDP virtual authenticator cannot express for this profile: it always reports
 * a fixed test AAGUID (CDP_AAGUID), its own attestation, an incrementing counter, one transport, its own algorithm choice and
 * its own credential id length. BE/BS and resident keys/UV are expressible and not listed.
 * An empty list means CDP mode is exact for the profile.
 */
export function describeCdpLimits(profile: DeviceProfile): CdpLimit[] {
  const limits: CdpLimit[] = [];
  if (profile.aaguid !== CDP_AAGUID) limits.push({ field: 'aaguid', profile: profile.aaguid, cdp: CDP_AAGUID });
  if (profile.attestation !== 'none') {
    limits.push({ field: 'attestation', profile: profile.attestation, cdp: "Chromium's own (none, or packed with a test certificate when the RP asks)" });
  }
  if (profile.counterPolicy !== 'increment') {
    limits.push({ field: 'counter', profile: profile.counterPolicy, cdp: 'increment (+1 per assertion)' });
  }
  const transport = cdpTransport(profile);
  const cdpName = transport === 'cable' ? 'hybrid' : transport;
  if (profile.transports.length !== 1 || profile.transports[0] !== cdpName) {
    limits.push({ field: 'transports', profile: profile.transports.join(','), cdp: cdpName });
  }
  // Chromium's virtual authenticator does ES256, EdDSA and RS256 and takes the RP's first one.
  if (![-7, -8, -257].every((a) => profile.algorithms.includes(a as never))) {
    limits.push({ field: 'algorithms', profile: profile.algorithms.join(','), cdp: "the RP's first of -7, -8, -257 (ES256, EdDSA, RS256)" });
  }
  if (profile.credentialIdLength !== 16) {
    limits.push({ field: 'credentialIdLength', profile: String(profile.credentialIdLength), cdp: "Chromium's own" });
  }
  return limits;
}
