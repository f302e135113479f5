import { deflateSync } from 'node:zlib';
import type { DeviceProfile } from '../authenticator/index.js';
import { createHash } from 'node:crypto';
import type { MetadataStatement } from './types.js';

export const LEGAL_HEADER = 'Passkey Harness local metadata: test data for exercising an RP, never a basis for production trust.';

const ALG_SIGN: Record<number, MetadataStatement['authenticationAlgorithms'][number]> = {
  [-7]: 'secp256r1_ecdsa_sha256_raw',
  [-8]: 'ed25519_eddsa_sha512_raw',
  [-257]: 'rsassa_pkcsv15_sha256_raw',
};

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A 16×16 PNG in a colour taken from the AAGUID: enough for a console to tell models apart. */
export function iconFor(aaguid: string): string {
  const [r, g, b] = createHash('sha256').update(aaguid).digest();
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(16, 0);
  ihdr.writeUInt32BE(16, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const rows = Buffer.alloc(16 * (1 + 16 * 3));
  for (let y = 0; y < 16; y++) {
    for (let x = 0; x < 16; x++) rows.set([r!, g!, b!], y * 49 + 1 + x * 3);
  }
  const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', new Uint8Array(0))]);
  return `data:image/png;base64,${png.toString('base64')}`;
}

function attachmentHints(profile: DeviceProfile): NonNullable<MetadataStatement['attachmentHint']> {
  if (profile.attachment === 'platform') return ['internal'];
  const hints = new Set<NonNullable<MetadataStatement['attachmentHint']>[number]>(['external']);
  for (const t of profile.transports) {
    if (t === 'usb') hints.add('wired');
    if (t === 'nfc') hints.add('nfc').add('wireless');
    if (t === 'ble') hints.add('bluetooth').add('wireless');
  }
  return [...hints];
}

/**
 * FIDO MDS3 metadata statement (FIDO Metadata Statement v3.0 §4) for a device profile. Models with
 * x5c attestation name the harness attestation root as their trust anchor.
 */
export function metadataStatementFor(profile: DeviceProfile, attestationRoot: Uint8Array): MetadataStatement {
  const platform = profile.attachment === 'platform';
  const attested = profile.attestation === 'packed-x5c' || profile.attestation === 'fido-u2f';
  const algorithms = profile.attestation === 'fido-u2f' ? [-7] : profile.algorithms;
  return {
    legalHeader: LEGAL_HEADER,
    aaguid: profile.aaguid,
    description: profile.label,
    authenticatorVersion: 1,
    protocolFamily: 'fido2',
    schema: 3,
    upv: [
      { major: 1, minor: 1 },
      { major: 1, minor: 0 },
    ],
    authenticationAlgorithms: algorithms.map((alg) => ALG_SIGN[alg]!).filter(Boolean),
    publicKeyAlgAndEncodings: ['cose'],
    attestationTypes: attested ? ['basic_full'] : profile.attestation === 'packed-self' ? ['basic_surrogate'] : ['none'],
    userVerificationDetails: platform
      ? [[{ userVerificationMethod: 'fingerprint_internal' }], [{ userVerificationMethod: 'faceprint_internal' }], [{ userVerificationMethod: 'passcode_internal' }]]
      : [[{ userVerificationMethod: 'presence_internal' }], [{ userVerificationMethod: 'presence_internal' }, { userVerificationMethod: 'passcode_external' }]],
    keyProtection: profile.backupEligible ? ['software'] : platform ? ['hardware', 'tee'] : ['hardware', 'secure_element'],
    matcherProtection: platform ? ['tee'] : ['on_chip'],
    cryptoStrength: 128,
    attachmentHint: attachmentHints(profile),
    tcDisplay: [],
    attestationRootCertificates: attested ? [Buffer.from(attestationRoot).toString('base64')] : [],
    icon: iconFor(profile.aaguid),
    authenticatorGetInfo: {
      versions: ['FIDO_2_0'],
      aaguid: profile.aaguid.replace(/-/g, ''),
      options: { plat: platform, rk: profile.residentKey, up: true, uv: profile.uv },
      algorithms: algorithms.map((alg) => ({ type: 'public-key' as const, alg })),
    },
  };
}
