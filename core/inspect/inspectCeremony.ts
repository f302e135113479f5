import {
  bytesToHex,
  coseAlgName,
  decodeAttestationObject,
  decodeCoseKey,
  equalBytes,
  fromBase64url,
  parseAuthenticatorData,
  parseClientDataJSON,
  sha256,
  toBase64url,
  validateCoseKey,
  type CborKey,
  type CborValue,
  type ClientData,
  type ParsedAuthenticatorData,
} from '../webauthn/index.js';
import { HarnessError } from '../errors.js';

/**
 * Decodes one ceremony response for the inspector and replays the relying party's checks
 * (WebAuthn §7.1 registration, §7.2 authentication) that need no stored state. Signature and
 * counter checks against the stored key are the server's; the audit log shows their outcome.
 *
 * Browser-safe (core/webauthn and core/errors only): the console bundles it, `pkh inspect` and
 * the `inspect.ceremony` harness channel run the same code.
 */
export type StepStatus = 'pass' | 'fail' | 'skip';
export interface VerificationStep {
  id: string;
  spec: string;
  label: string;
  status: StepStatus;
  detail: string;
}

export interface CeremonyInspection {
  kind: 'registration' | 'authentication';
  credentialId: string;
  clientData?: ClientData;
  authData?: {
    rpIdHash: string;
    flags: ParsedAuthenticatorData['flags'];
    flagsByte: string;
    signCount: number;
    aaguid?: string;
    credentialId?: string;
  };
  attestation?: { fmt: string; statement: Record<string, string> };
  coseKey?: Record<string, string | number>;
  steps: VerificationStep[];
}

export interface InspectOptions {
  /** RegistrationResponseJSON or AuthenticationResponseJSON, as a browser's `credential.toJSON()` gives it. */
  response: Record<string, unknown>;
  rpId: string;
  expectedOrigin: string;
  /** base64url; without it the challenge step is skipped. */
  expectedChallenge?: string;
}

function describeCbor(value: CborValue): string {
  if (value instanceof Uint8Array) return `${value.length} bytes: ${bytesToHex(value.slice(0, 32))}${value.length > 32 ? '…' : ''}`;
  if (Array.isArray(value)) return `[${value.map(describeCbor).join(', ')}]`;
  if (value instanceof Map) return `{${[...value.entries()].map(([k, v]) => `${String(k)}: ${describeCbor(v)}`).join(', ')}}`;
  return String(value);
}

function uuid(bytes: Uint8Array): string {
  const hex = bytesToHex(bytes);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** What makes a JSON object a WebAuthn response at all; one missing or spoiled part is the checks' business. */
const RESPONSE_PARTS = ['clientDataJSON', 'attestationObject', 'authenticatorData'] as const;
const SHAPE =
  'a RegistrationResponseJSON ({ id, rawId, type: "public-key", response: { clientDataJSON, attestationObject } }) ' +
  'or an AuthenticationResponseJSON ({ id, rawId, type: "public-key", response: { clientDataJSON, authenticatorData, signature } }), as credential.toJSON() gives it';

/** INVALID_INPUT: throws for an object that is no WebAuthn response (`{}`), rather than listing checks it never had a chance to pass. */
export function inspectCeremony({ response, rpId, expectedOrigin, expectedChallenge }: InspectOptions): CeremonyInspection {
  const inner = response.response;
  const r = (typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? inner : {}) as Record<string, unknown>;
  if (!RESPONSE_PARTS.some((part) => typeof r[part] === 'string')) {
    throw new HarnessError('INVALID_INPUT', `not a WebAuthn response (no response.clientDataJSON, attestationObject or authenticatorData): expected ${SHAPE}`);
  }
  const kind = typeof r.attestationObject === 'string' ? 'registration' : 'authentication';
  const spec = kind === 'registration' ? '§7.1' : '§7.2';
  const steps: VerificationStep[] = [];
  const step = (id: string, stepNo: string, label: string, check: () => { ok: boolean; detail: string } | undefined) => {
    try {
      const result = check();
      steps.push({ id, spec: `WebAuthn ${spec} step ${stepNo}`, label, status: result === undefined ? 'skip' : result.ok ? 'pass' : 'fail', detail: result?.detail ?? '' });
    } catch (error) {
      const { code, message } = error instanceof HarnessError ? error : { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
      steps.push({ id, spec: `WebAuthn ${spec} step ${stepNo}`, label, status: 'fail', detail: `${message} (${code})` });
    }
  };
  const out: CeremonyInspection = { kind, credentialId: String(response.id ?? ''), steps };

  step('id', kind === 'registration' ? '3' : '5', 'id equals rawId (base64url)', () => ({ ok: response.id === response.rawId && typeof response.id === 'string', detail: String(response.id) }));

  step('clientData', kind === 'registration' ? '5-6' : '9-10', 'clientDataJSON parses as JSON', () => {
    out.clientData = parseClientDataJSON(fromBase64url(String(r.clientDataJSON ?? ''), 'clientDataJSON'));
    return { ok: true, detail: `${out.clientData.type}` };
  });
  const cd = out.clientData;
  step('type', kind === 'registration' ? '7' : '11', `type is ${kind === 'registration' ? 'webauthn.create' : 'webauthn.get'}`, () =>
    cd ? { ok: cd.type === (kind === 'registration' ? 'webauthn.create' : 'webauthn.get'), detail: cd.type } : undefined,
  );
  step('challenge', kind === 'registration' ? '8' : '12', 'challenge equals the one issued', () =>
    cd && expectedChallenge ? { ok: cd.challenge === expectedChallenge, detail: cd.challenge } : undefined,
  );
  step('origin', kind === 'registration' ? '9' : '13', 'origin is the expected origin', () => (cd ? { ok: cd.origin === expectedOrigin, detail: cd.origin } : undefined));
  step('crossOrigin', kind === 'registration' ? '10' : '14', 'not a cross-origin iframe', () => (cd ? { ok: cd.crossOrigin !== true, detail: String(cd.crossOrigin ?? false) } : undefined));

  let authData: ParsedAuthenticatorData | undefined;
  let authDataBytes: Uint8Array | undefined;
  if (kind === 'registration') {
    step('attestationObject', '12', 'attestationObject decodes (CBOR: fmt, authData, attStmt)', () => {
      const att = decodeAttestationObject(fromBase64url(String(r.attestationObject), 'attestationObject'));
      const statement: Record<string, string> = {};
      for (const [key, value] of att.attStmt as Map<CborKey, CborValue>) statement[String(key)] = describeCbor(value);
      out.attestation = { fmt: att.fmt, statement };
      authDataBytes = att.authData;
      return { ok: true, detail: att.fmt };
    });
  } else {
    step('authenticatorData', '15', 'authenticatorData present', () => {
      if (typeof r.authenticatorData !== 'string' || r.authenticatorData === '') return { ok: false, detail: 'missing' };
      authDataBytes = fromBase64url(r.authenticatorData, 'authenticatorData');
      return { ok: true, detail: `${authDataBytes.length} bytes` };
    });
  }
  step('authData', kind === 'registration' ? '12' : '15', 'authenticator data parses (flags consistent, no leftovers)', () => {
    if (!authDataBytes) return undefined;
    authData = parseAuthenticatorData(authDataBytes);
    const attested = authData.attestedCredentialData;
    out.authData = {
      rpIdHash: bytesToHex(authData.rpIdHash),
      flags: authData.flags,
      flagsByte: `0x${authData.flagsByte.toString(16).padStart(2, '0')}`,
      signCount: authData.signCount,
      aaguid: attested ? uuid(attested.aaguid) : undefined,
      credentialId: attested ? toBase64url(attested.credentialId) : undefined,
    };
    return { ok: true, detail: out.authData.flagsByte };
  });
  step('rpIdHash', kind === 'registration' ? '13' : '16', `rpIdHash is SHA-256("${rpId}")`, () =>
    authData ? { ok: equalBytes(authData.rpIdHash, sha256(new TextEncoder().encode(rpId))), detail: bytesToHex(authData.rpIdHash).slice(0, 16) + '…' } : undefined,
  );
  step('up', kind === 'registration' ? '14' : '17', 'User Present (UP) flag set', () => (authData ? { ok: authData.flags.up, detail: String(authData.flags.up) } : undefined));
  step('uv', kind === 'registration' ? '15' : '18', 'User Verified (UV) flag set', () => (authData ? { ok: authData.flags.uv, detail: String(authData.flags.uv) } : undefined));
  step('backup', kind === 'registration' ? '16' : '19', 'BS only with BE', () =>
    authData ? { ok: !authData.flags.bs || authData.flags.be, detail: `BE=${authData.flags.be} BS=${authData.flags.bs}` } : undefined,
  );
  if (kind === 'registration') {
    step('coseKey', '17-18', 'credential public key is a valid COSE key with an allowed algorithm', () => {
      const attested = authData?.attestedCredentialData;
      if (!attested) return authData ? { ok: false, detail: 'no attested credential data (AT clear)' } : undefined;
      const key = decodeCoseKey(attested.credentialPublicKey);
      validateCoseKey(key);
      const shown: Record<string, string | number> = { kty: key.kty, alg: `${key.alg} (${coseAlgName(key.alg)})` };
      for (const [name, value] of Object.entries(key)) if (value instanceof Uint8Array) shown[name] = bytesToHex(value);
      if ('crv' in key) shown.crv = key.crv;
      out.coseKey = shown;
      return { ok: true, detail: coseAlgName(key.alg) };
    });
    step('credentialId', '24', 'credentialId in authData equals the response id', () => {
      const attested = authData?.attestedCredentialData;
      return attested ? { ok: toBase64url(attested.credentialId) === response.id, detail: toBase64url(attested.credentialId) } : undefined;
    });
  } else {
    step('signature', '20-21', 'signature present (verified by the server with the stored key)', () =>
      typeof r.signature === 'string' && r.signature.length > 0 ? { ok: true, detail: `${fromBase64url(r.signature, 'signature').length} bytes` } : { ok: false, detail: 'missing' },
    );
  }
  return out;
}
