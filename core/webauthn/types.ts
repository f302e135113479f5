/** The JSON shapes @simplewebauthn/browser produces and consumes; one definition, shared with the RP. */
export type {
  AuthenticationResponseJSON,
  AuthenticatorAssertionResponseJSON,
  AuthenticatorAttestationResponseJSON,
  AuthenticatorTransport,
  AuthenticationExtensionsClientInputs,
  AuthenticationExtensionsClientOutputs,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialDescriptorJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
  UserVerificationRequirement,
  ResidentKeyRequirement,
  AttestationConveyancePreference,
} from '@simplewebauthn/server';
