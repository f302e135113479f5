import { HarnessError } from '../errors.js';
import { decodeCborPrefix, type CborKey, type CborValue } from './cbor.js';
import { MAX_CREDENTIAL_ID_BYTES } from './credentialIdLimits.js';

/** WebAuthn §6.1 flag bits. Bits 1 and 5 are reserved for future use. */
export const FLAG = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40, ED: 0x80 } as const;

export interface AuthenticatorFlags {
  up: boolean;
  uv: boolean;
  be: boolean;
  bs: boolean;
  at: boolean;
  ed: boolean;
}

export interface AttestedCredentialData {
  aaguid: Uint8Array;
  credentialId: Uint8Array;
  /** The COSE_Key exactly as encoded in authData. */
  credentialPublicKey: Uint8Array;
}

export interface ParsedAuthenticatorData {
  rpIdHash: Uint8Array;
  flags: AuthenticatorFlags;
  flagsByte: number;
  signCount: number;
  attestedCredentialData?: AttestedCredentialData;
  /** Decoded extension outputs map. */
  extensions?: Map<CborKey, CborValue>;
  /** Raw CBOR of the extensions, when present. */
  extensionsBytes?: Uint8Array;
}

export interface BuildAuthenticatorDataOptions {
  rpIdHash: Uint8Array;
  /** AT and ED are derived from the presence of attested data / extensions unless given. */
  flags: Partial<AuthenticatorFlags>;
  signCount: number;
  attestedCredentialData?: AttestedCredentialData;
  /** CBOR-encoded extension outputs map. */
  extensions?: Uint8Array;
}

export function flagsToByte(flags: Partial<AuthenticatorFlags>): number {
  return (
    (flags.up ? FLAG.UP : 0) |
    (flags.uv ? FLAG.UV : 0) |
    (flags.be ? FLAG.BE : 0) |
    (flags.bs ? FLAG.BS : 0) |
    (flags.at ? FLAG.AT : 0) |
    (flags.ed ? FLAG.ED : 0)
  );
}

export function byteToFlags(byte: number): AuthenticatorFlags {
  return {
    up: (byte & FLAG.UP) !== 0,
    uv: (byte & FLAG.UV) !== 0,
    be: (byte & FLAG.BE) !== 0,
    bs: (byte & FLAG.BS) !== 0,
    at: (byte & FLAG.AT) !== 0,
    ed: (byte & FLAG.ED) !== 0,
  };
}

/** WebAuthn §6.1: rpIdHash ‖ flags ‖ signCount (big-endian u32) ‖ attestedCredentialData? ‖ extensions? */
export function buildAuthenticatorData(options: BuildAuthenticatorDataOptions): Uint8Array {
  const { rpIdHash, signCount, attestedCredentialData, extensions } = options;
  if (rpIdHash.length !== 32) throw new HarnessError('AUTHDATA_MALFORMED', 'rpIdHash must be 32 bytes');
  if (!Number.isInteger(signCount) || signCount < 0 || signCount > 0xffffffff) throw new HarnessError('AUTHDATA_MALFORMED', 'signCount must be a u32');
  const flags = options.flags;
  const at = flags.at ?? attestedCredentialData !== undefined;
  const ed = flags.ed ?? extensions !== undefined;
  let length = 37;
  if (attestedCredentialData) {
    const { aaguid, credentialId, credentialPublicKey } = attestedCredentialData;
    if (aaguid.length !== 16) throw new HarnessError('AUTHDATA_MALFORMED', 'aaguid must be 16 bytes');
    if (credentialId.length > MAX_CREDENTIAL_ID_BYTES) throw new HarnessError('AUTHDATA_MALFORMED', `credentialId longer than ${MAX_CREDENTIAL_ID_BYTES} bytes`);
    length += 18 + credentialId.length + credentialPublicKey.length;
  }
  if (extensions) length += extensions.length;
  // One allocation: getAssertion builds this on every login, so it stays off the hot path's GC.
  const out = new Uint8Array(length);
  out.set(rpIdHash, 0);
  out[32] = (flagsToByte(flags) & ~(FLAG.AT | FLAG.ED)) | (at ? FLAG.AT : 0) | (ed ? FLAG.ED : 0);
  out[33] = signCount >>> 24;
  out[34] = (signCount >>> 16) & 0xff;
  out[35] = (signCount >>> 8) & 0xff;
  out[36] = signCount & 0xff;
  let pos = 37;
  if (attestedCredentialData) {
    const { aaguid, credentialId, credentialPublicKey } = attestedCredentialData;
    out.set(aaguid, pos);
    out[pos + 16] = credentialId.length >> 8;
    out[pos + 17] = credentialId.length & 0xff;
    out.set(credentialId, pos + 18);
    pos += 18 + credentialId.length;
    out.set(credentialPublicKey, pos);
    pos += credentialPublicKey.length;
  }
  if (extensions) out.set(extensions, pos);
  return out;
}

function malformed(message: string): never {
  throw new HarnessError('AUTHDATA_MALFORMED', `authenticator data: ${message}`);
}

/**
 * Parses authenticator data from an untrusted source. Rejects: short input, BS without BE,
 * AT without attested data (and data without AT), ED without extensions (and vice versa),
 * reserved flag bits, and leftover bytes.
 */
export function parseAuthenticatorData(bytes: Uint8Array): ParsedAuthenticatorData {
  if (!(bytes instanceof Uint8Array)) malformed('must be bytes');
  if (bytes.length < 37) malformed(`${bytes.length} bytes is shorter than the 37-byte minimum`);
  const flagsByte = bytes[32]!;
  const flags = byteToFlags(flagsByte);
  if (flagsByte & 0x22) throw new HarnessError('AUTHDATA_FLAGS_INCONSISTENT', 'authenticator data: reserved flag bits are set');
  // WebAuthn §6.1: "If BE is not set, BS MUST NOT be set."
  if (flags.bs && !flags.be) throw new HarnessError('AUTHDATA_FLAGS_INCONSISTENT', 'authenticator data: BS set without BE');
  const result: ParsedAuthenticatorData = {
    rpIdHash: bytes.slice(0, 32),
    flags,
    flagsByte,
    signCount: new DataView(bytes.buffer, bytes.byteOffset + 33, 4).getUint32(0),
  };
  let pos = 37;
  if (flags.at) {
    if (bytes.length < pos + 18) throw new HarnessError('AUTHDATA_FLAGS_INCONSISTENT', 'authenticator data: AT set but no attested credential data');
    const aaguid = bytes.slice(pos, pos + 16);
    const idLength = (bytes[pos + 16]! << 8) | bytes[pos + 17]!;
    pos += 18;
    if (idLength > MAX_CREDENTIAL_ID_BYTES) malformed(`credentialId longer than ${MAX_CREDENTIAL_ID_BYTES} bytes`);
    if (pos + idLength > bytes.length) malformed('credentialId runs past the end');
    const credentialId = bytes.slice(pos, pos + idLength);
    pos += idLength;
    if (pos >= bytes.length) malformed('credentialPublicKey missing');
    const { value, bytesRead } = decodeCborPrefix(bytes.subarray(pos));
    if (!(value instanceof Map)) malformed('credentialPublicKey is not a CBOR map');
    result.attestedCredentialData = { aaguid, credentialId, credentialPublicKey: bytes.slice(pos, pos + bytesRead) };
    pos += bytesRead;
  }
  if (flags.ed) {
    if (pos >= bytes.length) throw new HarnessError('AUTHDATA_FLAGS_INCONSISTENT', 'authenticator data: ED set but no extensions');
    const { value, bytesRead } = decodeCborPrefix(bytes.subarray(pos));
    if (!(value instanceof Map)) malformed('extensions are not a CBOR map');
    result.extensions = value;
    result.extensionsBytes = bytes.slice(pos, pos + bytesRead);
    pos += bytesRead;
  }
  if (pos !== bytes.length) {
    if (!flags.at && !flags.ed) throw new HarnessError('AUTHDATA_FLAGS_INCONSISTENT', 'authenticator data: data follows the counter but neither AT nor ED is set');
    malformed(`${bytes.length - pos} leftover bytes`);
  }
  return result;
}
