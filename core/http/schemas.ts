import { z } from 'zod';
import { MAX_CEREMONY_HANDLE, STEP_UP_PURPOSES } from '../rp/index.js';
import { PASSKEY_NAME_LOCALES } from '../rp/registration/defaultPasskeyName.js';
import { MAX_CREDENTIAL_ID_CHARS } from '../webauthn/credentialIdLimits.js';

/**
 * Request bodies and queries, validated before anything reaches core/rp. Strings are bounded
 * so nothing large is handed on even under the body limit. WebAuthn JSON is checked for shape
 * only: decoding (base64url, CBOR) happens in core/rp and fails there with its own codes.
 */
const b64url = (max: number) => z.string().max(max);
const purpose = z.enum(STEP_UP_PURPOSES);
// A JSON number: no coercion (`[3]`, `" 3"` and `true` are not email 3).
const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const loginBody = z.object({ loginId: z.string().min(1).max(128), password: z.string().min(1).max(256) });
export const empty = z.object({});
export const sendStepUpBody = z.object({ emailId: id, purpose: purpose.optional() });
export const verifyStepUpBody = z.object({ code: z.string().regex(/^\d{6,8}$/, 'code must be 6-8 digits'), purpose: purpose.optional() });
export const confirmOtpBody = z.object({ code: z.string().regex(/^\d{6,8}$/, 'code must be 6-8 digits') });
export const registrationOptionsBody = z.object({
  attestation: z.enum(['none', 'direct']).optional(),
  userVerification: z.enum(['required', 'preferred', 'discouraged']).optional(),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
});

const extensionResults = z.record(z.string(), z.unknown());
const attachment = z.enum(['platform', 'cross-platform']).nullable().optional();

export const registrationResponseJson = z.looseObject({
  id: b64url(1400),
  rawId: b64url(1400),
  type: z.string().max(32),
  response: z.looseObject({
    clientDataJSON: b64url(8192),
    attestationObject: b64url(40_000),
    transports: z.array(z.string().max(32)).max(16).optional(),
  }),
  authenticatorAttachment: attachment,
  clientExtensionResults: extensionResults.optional().default({}),
});

export const authenticationResponseJson = z.looseObject({
  id: b64url(1400),
  rawId: b64url(1400),
  type: z.string().max(32),
  response: z.looseObject({
    clientDataJSON: b64url(8192),
    authenticatorData: b64url(8192),
    signature: b64url(2048),
    userHandle: b64url(128).nullable().optional(),
  }),
  authenticatorAttachment: attachment,
  clientExtensionResults: extensionResults.optional().default({}),
});

export const registrationVerifyBody = z.object({
  ceremonyId: z.string().min(1).max(MAX_CEREMONY_HANDLE).optional(),
  response: registrationResponseJson,
  name: z.string().min(1).max(64).optional(),
  // The customer pages' language, for the default name when `name` is absent.
  locale: z.enum(PASSKEY_NAME_LOCALES, { error: `locale must be one of ${PASSKEY_NAME_LOCALES.join(', ')}` }).optional(),
});
export const deletePasskeyBody = z.object({ credentialId: z.string().min(1).max(MAX_CREDENTIAL_ID_CHARS) });
export const loginOptionsBody = z.object({ loginId: z.string().min(1).max(128).optional() });
export const loginVerifyBody = z.object({ ceremonyId: z.string().min(1).max(MAX_CEREMONY_HANDLE), response: authenticationResponseJson });

export const channelParams = z.object({ channel: z.string().regex(/^[A-Za-z][A-Za-z0-9.]{0,63}$/) });
