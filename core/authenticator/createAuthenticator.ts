import { systemClock, type Clock } from '../clock.js';
import { seededRandom, systemRandom, type Random } from '../random.js';
import { defaultAttestationCa, type AttestationCa } from './attestation/ca.js';
import type { AuthenticatorContext } from './context.js';
import type { CryptoBackend } from './crypto/backend.js';
import { nobleBackend } from './crypto/noble.js';
import { memoryCredentialStore, type CredentialStore, type StoredCredential } from './credentials.js';
import type { AuthenticatorFaults } from './faults.js';
import { getAssertion, type GetAssertionOptions, type GetAssertionResult } from './getAssertion.js';
import { approveAll, type LocalAuth } from './localAuth.js';
import { makeCredential, type MakeCredentialOptions, type MakeCredentialResult } from './makeCredential.js';
import { resolveProfile, type DeviceProfile } from './profiles.js';

export interface Authenticator {
  readonly profile: DeviceProfile;
  readonly backend: CryptoBackend;
  /** Faults for the next operations; replace the object to change them. */
  faults: AuthenticatorFaults;
  makeCredential(options: MakeCredentialOptions): Promise<MakeCredentialResult>;
  getAssertion(options: GetAssertionOptions): Promise<GetAssertionResult>;
  listCredentials(filter?: { rpId?: string }): StoredCredential[];
  /** The CA behind packed x5c / fido-u2f attestation (created on first use). */
  attestationCa(): Promise<AttestationCa>;
}

export interface CreateAuthenticatorOptions {
  /** A built-in profile id or a profile object. Default: `iphone-icloud`. */
  profile?: string | DeviceProfile;
  /** Default: nobleBackend (pure JS, deterministic). */
  backend?: CryptoBackend;
  clock?: Clock;
  /** Overrides `seed`. */
  random?: Random;
  /** Makes keys and credential ids reproducible (RS256 too: its primes come from a DRBG over the seed). */
  seed?: string | Uint8Array;
  /** The phone's local authentication prompt. Default: always approve. */
  localAuth?: LocalAuth;
  faults?: AuthenticatorFaults;
  /** Default: a fresh in-memory store. The vault passes its persistent one. */
  credentials?: CredentialStore;
  /** Default: one process-wide harness CA (`defaultAttestationCa()`). */
  attestationCa?: AttestationCa | (() => Promise<AttestationCa>);
}

export function createAuthenticator(options: CreateAuthenticatorOptions = {}): Authenticator {
  const {
    profile = 'iphone-icloud',
    backend = nobleBackend,
    clock = systemClock,
    seed,
    localAuth = approveAll,
    faults = {},
    credentials = memoryCredentialStore(),
    attestationCa,
  } = options;
  const random = options.random ?? (seed === undefined ? systemRandom : seededRandom(seed));
  const ca = attestationCa === undefined ? defaultAttestationCa : typeof attestationCa === 'function' ? attestationCa : async () => attestationCa;
  const ctx: AuthenticatorContext = {
    profile: resolveProfile(profile),
    backend,
    clock,
    random,
    localAuth,
    faults,
    credentials,
    attestationCa: ca,
    keyCache: new Map(),
  };
  return {
    profile: ctx.profile,
    backend,
    get faults() {
      return ctx.faults;
    },
    set faults(value: AuthenticatorFaults) {
      ctx.faults = value;
    },
    makeCredential: (opts) => makeCredential(ctx, opts),
    getAssertion: (opts) => getAssertion(ctx, opts),
    listCredentials: (filter) => ctx.credentials.list(filter),
    attestationCa: ctx.attestationCa,
  };
}
