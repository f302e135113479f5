import { HarnessError } from '../errors.js';
import type { Authenticator } from '../authenticator/createAuthenticator.js';
import type { AuthenticatorFaults } from '../authenticator/faults.js';
import { fromBase64url, toBase64url } from '../webauthn/base64url.js';
import { buildClientDataJSON, type ClientDataType } from '../webauthn/clientData.js';
import { coseKeyToSpki } from '../webauthn/cose.js';
import { sha256 } from '../webauthn/hash.js';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '../webauthn/types.js';
import { checkRpId, parseOrigin } from './checkRpId.js';

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

  async function withFaults<T>(run: () => Promise<T>): Promise<T> {
    if (!options.faults) return run();
    const saved = authenticator.faults;
    authenticator.faults = faults();
    try {
      return await run();
    } finally {
      authenticator.faults = saved;
    }
  }

  return {
    origin,
    async create(optionsJSON) {
      const rpId = checkRpId(origin, optionsJSON.rp.id);
      const selection = optionsJSON.authenticatorSelection ?? {};
      if (selection.authenticatorAttachment && selection.authenticatorAttachment !== authenticator.profile.attachment) {
        throw new HarnessError('NOT_ALLOWED', `the RP asked for a ${selection.authenticatorAttachment} authenticator`, { details: { reason: 'attachment' } });
      }
      fromBase64url(optionsJSON.challenge, 'challenge');
      const clientDataJSON = clientData('webauthn.create', optionsJSON.challenge);
      const residentKey = selection.residentKey ?? (selection.requireResidentKey ? 'required' : 'discouraged');
      const result = await withFaults(() =>
        authenticator.makeCredential({
          rpId,
          clientDataHash: sha256(clientDataJSON),
          user: { id: fromBase64url(optionsJSON.user.id, 'user.id'), name: optionsJSON.user.name, displayName: optionsJSON.user.displayName },
          pubKeyCredParams: optionsJSON.pubKeyCredParams,
          excludeList: (optionsJSON.excludeCredentials ?? []).map((c) => fromBase64url(c.id, 'excludeCredentials.id')),
          residentKey: residentKey as 'required' | 'preferred' | 'discouraged',
          userVerification: selection.userVerification ?? 'preferred',
          attestation: optionsJSON.attestation ?? 'none',
        }),
      );
      const id = toBase64url(result.credentialId);
      const clientExtensionResults: RegistrationResponseJSON['clientExtensionResults'] = {};
      // WebAuthn §10.1.3: credProps is a client extension; rk tells the RP whether it is discoverable.
      if ((optionsJSON.extensions as { credProps?: boolean } | undefined)?.credProps) clientExtensionResults.credProps = { rk: result.discoverable };
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
      const rpId = checkRpId(origin, optionsJSON.rpId);
      fromBase64url(optionsJSON.challenge, 'challenge');
      const clientDataJSON = clientData('webauthn.get', optionsJSON.challenge);
      const result = await withFaults(() =>
        authenticator.getAssertion({
          rpId,
          clientDataHash: sha256(clientDataJSON),
          allowList: (optionsJSON.allowCredentials ?? []).map((c) => fromBase64url(c.id, 'allowCredentials.id')),
          userVerification: optionsJSON.userVerification ?? 'preferred',
        }),
      );
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
