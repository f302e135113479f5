import { HarnessError } from '../errors.js';
import { COSEAlg } from '../webauthn/cose.js';
import { fromBase64url } from '../webauthn/base64url.js';
import { toWellFormed } from '../wellFormed.js';

/**
 * The browser's Web IDL conversion of the RP's options JSON (WebAuthn L3 §5.1.3 / §5.1.4 with
 * `parseCreationOptionsFromJSON` / `parseRequestOptionsFromJSON`): what a browser answers with a
 * TypeError is `INVALID_INPUT` here; unknown enum values are dropped as §5.4 and §5.10 require.
 */

export type ResidentKey = 'required' | 'preferred' | 'discouraged';
export type UserVerification = 'required' | 'preferred' | 'discouraged';

export interface CreationRequest {
  /** As sent (checkRpId judges it); undefined when absent. */
  rpId: unknown;
  challenge: string;
  user: { id: Uint8Array; name: string; displayName: string };
  pubKeyCredParams: { type: 'public-key'; alg: number }[];
  excludeList: Uint8Array[];
  authenticatorAttachment: 'platform' | 'cross-platform' | undefined;
  residentKey: ResidentKey;
  userVerification: UserVerification;
  attestation: string;
  credProps: boolean;
}

export interface RequestRequest {
  rpId: unknown;
  challenge: string;
  /** null: allowCredentials absent or empty (discoverable credentials). */
  allowList: Uint8Array[] | null;
  userVerification: UserVerification;
}

const typeError = (message: string) => new HarnessError('INVALID_INPUT', message);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const oneOf = <T extends string>(value: unknown, allowed: readonly T[]): T | undefined => (allowed as readonly unknown[]).includes(value) ? (value as T) : undefined;

/** A required dictionary member or the options themselves. */
function dictionary(value: unknown, what: string): Record<string, unknown> {
  if (!isObject(value)) throw typeError(`${what} must be an object`);
  return value;
}

/** An optional dictionary: Web IDL turns undefined and null into an empty one. */
function optionalDictionary(value: unknown, what: string): Record<string, unknown> {
  return value === undefined || value === null ? {} : dictionary(value, what);
}

function requiredString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw typeError(`${what} must be a string`);
  return value;
}

function optionalSequence(value: unknown, what: string): readonly unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw typeError(`${what} must be an array`);
  return value;
}

/**
 * §5.10.3: client platforms MUST ignore a descriptor whose type they do not know; the ids of the
 * rest, decoded. Malformed descriptors (no type, an id that is not base64url) are refused.
 */
function descriptorIds(value: unknown, what: string): { ids: Uint8Array[]; sent: number } {
  const list = optionalSequence(value, what);
  const ids: Uint8Array[] = [];
  // Array.from visits holes, which forEach and map skip.
  Array.from(list, (entry, i) => {
    const d = dictionary(entry, `${what}[${i}]`);
    const type = requiredString(d.type, `${what}[${i}].type`);
    const id = fromBase64url(d.id as string, `${what}[${i}].id`);
    if (d.transports !== undefined) {
      const transports = optionalSequence(d.transports, `${what}[${i}].transports`);
      // §5.8.4: unknown transport values are ignored, but each must be a string.
      Array.from(transports, (t, j) => requiredString(t, `${what}[${i}].transports[${j}]`));
    }
    if (type === 'public-key') ids.push(id);
  });
  return { ids, sent: list.length };
}

function userVerificationOf(value: unknown): UserVerification {
  // §5.8.6: unknown values are ignored, as if the member were absent (default "preferred").
  return oneOf(value, ['required', 'preferred', 'discouraged'] as const) ?? 'preferred';
}

export function readCreationOptions(json: unknown): CreationRequest {
  const o = dictionary(json, 'creation options');
  const rp = dictionary(o.rp, 'rp');
  requiredString(rp.name, 'rp.name');
  const u = dictionary(o.user, 'user');
  const userId = fromBase64url(u.id as string, 'user.id');
  // §5.1.3 step 2: user.id must be 1–64 bytes.
  if (userId.length === 0 || userId.length > 64) throw typeError('user.id must be 1–64 bytes');
  // A CTAP authenticator receives UTF-8: a lone surrogate cannot cross, so it becomes U+FFFD as in a browser.
  const user = { id: userId, name: toWellFormed(requiredString(u.name, 'user.name')), displayName: toWellFormed(requiredString(u.displayName, 'user.displayName')) };
  const challenge = o.challenge as string;
  fromBase64url(challenge, 'challenge');

  if (o.pubKeyCredParams === undefined) throw typeError('pubKeyCredParams is required');
  const params = optionalSequence(o.pubKeyCredParams, 'pubKeyCredParams');
  const pubKeyCredParams: CreationRequest['pubKeyCredParams'] = [];
  Array.from(params, (entry, i) => {
    const p = dictionary(entry, `pubKeyCredParams[${i}]`);
    const type = requiredString(p.type, `pubKeyCredParams[${i}].type`);
    if (typeof p.alg !== 'number' || !Number.isInteger(p.alg)) throw typeError(`pubKeyCredParams[${i}].alg must be an integer`);
    // §5.1.3 step 10: a type this client does not support is skipped.
    if (type === 'public-key') pubKeyCredParams.push({ type, alg: p.alg });
  });
  // §5.1.3 step 10: an empty list means ES256 and RS256; a list with none usable is NotSupportedError.
  if (params.length === 0) pubKeyCredParams.push({ type: 'public-key', alg: COSEAlg.ES256 }, { type: 'public-key', alg: COSEAlg.RS256 });
  if (pubKeyCredParams.length === 0) throw new HarnessError('NOT_SUPPORTED', 'pubKeyCredParams offers no public-key credential type', { details: { offered: params.length } });

  const excludeList = descriptorIds(o.excludeCredentials, 'excludeCredentials').ids;

  const selection = optionalDictionary(o.authenticatorSelection, 'authenticatorSelection');
  // §5.4.4: unknown authenticatorAttachment and residentKey values are ignored, as if absent;
  // without a residentKey, requireResidentKey decides.
  const authenticatorAttachment = oneOf(selection.authenticatorAttachment, ['platform', 'cross-platform'] as const);
  const residentKey = oneOf(selection.residentKey, ['required', 'preferred', 'discouraged'] as const) ?? (selection.requireResidentKey === true ? 'required' : 'discouraged');
  // §5.4.7: an unknown conveyance preference is ignored ("none").
  const attestation = oneOf(o.attestation, ['none', 'indirect', 'direct', 'enterprise'] as const) ?? 'none';
  const extensions = optionalDictionary(o.extensions, 'extensions');
  return {
    rpId: rp.id,
    challenge,
    user,
    pubKeyCredParams,
    excludeList,
    authenticatorAttachment,
    residentKey,
    userVerification: userVerificationOf(selection.userVerification),
    attestation,
    credProps: Boolean(extensions.credProps),
  };
}

export function readRequestOptions(json: unknown): RequestRequest {
  const o = dictionary(json, 'request options');
  const challenge = o.challenge as string;
  fromBase64url(challenge, 'challenge');
  const { ids, sent } = descriptorIds(o.allowCredentials, 'allowCredentials');
  optionalDictionary(o.extensions, 'extensions');
  return {
    rpId: o.rpId,
    challenge,
    // A list whose every descriptor was ignored still names credentials: none of them can answer (§5.1.4.2).
    allowList: sent === 0 ? null : ids,
    userVerification: userVerificationOf(o.userVerification),
  };
}
