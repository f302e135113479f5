import type { DeviceProfile } from '../authenticator/profiles.js';
import { cdpTransport } from './cdpCommands.js';

export interface CdpLimit {
  /** What differs: aaguid, attestation, counter, transports, algorithms, credentialIdLength. */
  field: string;
  profile: string;
  cdp: string;
}

/**
 * What Chromium's CDP virtual authenticator cannot express for this profile: it always reports
 * the zero AAGUID, its own attestation, an incrementing counter, one transport, ES256 keys and
 * its own credential id length. BE/BS and resident keys/UV are expressible and not listed.
 * An empty list means CDP mode is exact for the profile.
 */
export function describeCdpLimits(profile: DeviceProfile): CdpLimit[] {
  const limits: CdpLimit[] = [];
  if (profile.aaguid !== '00000000-0000-0000-0000-000000000000') {
    limits.push({ field: 'aaguid', profile: profile.aaguid, cdp: '00000000-0000-0000-0000-000000000000' });
  }
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
  if (profile.algorithms.some((a) => a !== -7)) {
    limits.push({ field: 'algorithms', profile: profile.algorithms.join(','), cdp: '-7 (ES256)' });
  }
  if (profile.credentialIdLength !== 16) {
    limits.push({ field: 'credentialIdLength', profile: String(profile.credentialIdLength), cdp: "Chromium's own" });
  }
  return limits;
}
