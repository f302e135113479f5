// Entry `passkey-harness/authenticator`: a harness phone for RP unit tests, no browser.
export {
  createPhone,
  describeCredential,
  type CeremonyOptions,
  type CreatePhoneOptions,
  type FaultName,
  type Phone,
  type PhoneCredentialInfo,
  type PhoneFaults,
  type PhonePrompt,
  type PromptDecision,
  type PromptRecord,
  type PromptRequest,
} from './createPhone.js';
export { applySignal, type RpSignal, type SignalResult } from './applySignal.js';
export { parseSignal } from './parseSignal.js';
export { openPhone, type OpenPhoneOptions, type PersistentPhone, type VaultLocation } from './openPhone.js';
export { builtInProfiles, openVault, type AuthenticatorFaults, type DeviceProfile, type Vault } from '../authenticator/index.js';
export { HarnessError, type HarnessErrorCode } from '../errors.js';
export type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '../webauthn/index.js';
