import { HarnessError } from '../errors.js';
import type { Authenticator } from '../authenticator/createAuthenticator.js';
import type { AuthenticatorFaults } from '../authenticator/faults.js';
import { toBase64url } from '../webauthn/base64url.js';
import { buildClientDataJSON, type ClientDataType } from '../webauthn/clientData.js';
import { coseKeyToSpki } from '../webauthn/cose.js';
import { sha256 } from '../webauthn/hash.js';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '../webauthn/types.js';
import { checkRpIdCached, parseOrigin } from './checkRpId.js';
import { readCreationOptions, readRequestOptions } from './readOptions.js';

export interface Client {
  readonly origin: string;
  /** navigator.credentials.create() + toJSON(), as @simplewebauthn/browser's startRegistration returns it. */
  create(optionsJSON: PublicKeyCredentialCreationOptionsJSON): Promise<RegistrationResponseJSON>;
  /** navigator.credentials.get() + toJSON(), as startAuthentication returns it. */
  get(optionsJSON: PublicKeyCredentialRequestOptionsJSON): Promise<AuthenticationResponseJSON>;
}

export interface CreateClientOptions {
  authenticator: Authenticator;
  /** The page's origin, e.g. https://example.com or http://localhost:3000. */
  origin: string;
  /** Set for a cross-origin iframe: clientData gets crossOrigin: true and this topOrigin. */
  topOrigin?: string;
  /** wrongOrigin / wrongType are applied here; the rest are handed to the authenticator. */
  faults?: AuthenticatorFaults;
}

export function createClient(options: CreateClientOptions): Client {
  const { authenticator, origin, topOrigin } = options;
  parseOrigin(origin);
  const faults = () => ({ ...authenticator.faults, ...options.faults });

  function clientData(type: ClientDataType, challenge: string): Uint8Array {
    const f = faults();
    const swapped = type === 'webauthn.create' ? 'webauthn.get' : 'webauthn.create';
    return buildClientDataJSON({
      type: f.wrongType === true ? swapped : typeof f.wrongType === 'string' ? f.wrongType : type,
      challenge,
      origin: f.wrongOrigin ?? origin,
      ...(topOrigin ? { crossOrigin: true, topOrigin } : {}),
    });
  }

  /** Only a client given its own faults overrides the authenticator's, for its calls alone: a shared phone is never re-armed. */
  const callFaults = () => (options.faults ? { faults: faults() } : {});

  return {
    origin,
    async create(optionsJSON) {
      const request = readCreationOptions(optionsJSON);
      const rpId = checkRpIdCached(origin, request.rpId);
      if (request.authenticatorAttachment && request.authenticatorAttachment !== authenticator.profile.attachment) {
        throw new HarnessError('NOT_ALLOWED', `the RP asked for a ${request.authenticatorAttachment} authenticator`, { details: { reason: 'attachment' } });
      }
      // §5.1.3 step 20: an authenticator that cannot store a discoverable credential is skipped, like a wrong
      // attachment; with none left the page sees NotAllowedError (ConstraintError never reaches it).
      if (request.residentKey === 'required' && !authenticator.profile.residentKey) {
        throw new HarnessError('NOT_ALLOWED', `the RP requires a discoverable credential and ${authenticator.profile.label} cannot store one`, { details: { reason: 'residentKey' } });
      }
      const clientDataJSON = clientData('webauthn.create', request.challenge);
      const result = await authenticator.makeCredential({
        rpId,
        clientDataHash: sha256(clientDataJSON),
        user: request.user,
        pubKeyCredParams: request.pubKeyCredParams,
        excludeList: request.excludeList,
        residentKey: request.residentKey,
        userVerification: request.userVerification,
        attestation: request.attestation,
        ...callFaults(),
      });
      const id = toBase64url(result.credentialId);
      const clientExtensionResults: RegistrationResponseJSON['clientExtensionResults'] = {};
      // WebAuthn §10.1.3: credProps is a client extension; rk tells the RP whether it is discoverable.
      if (request.credProps) clientExtensionResults.credProps = { rk: result.discoverable };
      return {
        id,
        rawId: id,
        type: 'public-key',
        response: {
          clientDataJSON: toBase64url(clientDataJSON),
          attestationObject: toBase64url(result.attestationObject),
          authenticatorData: toBase64url(result.authenticatorData),
          transports: [...result.transports].sort(),
          publicKeyAlgorithm: result.publicKeyAlgorithm,
          publicKey: toBase64url(coseKeyToSpki(result.publicKey)),
        },
        authenticatorAttachment: result.authenticatorAttachment,
        clientExtensionResults,
      };
    },
    async get(optionsJSON) {
      const request = readRequestOptions(optionsJSON);
      const rpId = checkRpIdCached(origin, request.rpId);
      // §5.1.4.2: every allowCredentials descriptor was of an unknown type, so no credential here can answer.
      if (request.allowList?.length === 0) throw new HarnessError('NOT_ALLOWED', `no credential for ${rpId} on ${authenticator.profile.label}`, { details: { reason: 'no-credentials' } });
      const clientDataJSON = clientData('webauthn.get', request.challenge);
      const result = await authenticator.getAssertion({
        rpId,
        clientDataHash: sha256(clientDataJSON),
        allowList: request.allowList ?? [],
        userVerification: request.userVerification,
        ...callFaults(),
      });
      const id = toBase64url(result.credentialId);
      return {
        id,
        rawId: id,
        type: 'public-key',
        response: {
          clientDataJSON: toBase64url(clientDataJSON),
          authenticatorData: toBase64url(result.authenticatorData),
          signature: toBase64url(result.signature),
          ...(result.userHandle ? { userHandle: toBase64url(result.userHandle) } : {}),
        },
        authenticatorAttachment: result.authenticatorAttachment,
        clientExtensionResults: {},
      };
    },
  };
}
