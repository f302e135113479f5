import {
  createAuthenticator,
  memoryCredentialStore,
  resolveProfile,
  type Authenticator,
  type AuthenticatorFaults,
  type AttestationCa,
  type CreateAuthenticatorOptions,
  type CredentialStore,
  type CryptoBackend,
  type DeviceProfile,
  type LocalAuth,
  type LocalAuthDecision,
  type LocalAuthRequest,
  type StoredCredential,
} from '../authenticator/index.js';
import { createClient } from '../client/index.js';
import type { Clock } from '../clock.js';
import { HarnessError } from '../errors.js';
import type { Random } from '../random.js';
import { applySignal, type RpSignal, type SignalResult } from './applySignal.js';
import { toBase64url } from '../webauthn/index.js';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '../webauthn/index.js';

/** What the phone's face / fingerprint / PIN prompt answers. */
export type PromptDecision = LocalAuthDecision;
export type PromptRequest = LocalAuthRequest;
/** Answers the phone's local-authentication prompt, once per ceremony. */
export type PhonePrompt = (request: PromptRequest) => PromptDecision | Promise<PromptDecision>;
/** Every knob of `AuthenticatorFaults` (wrongOrigin / wrongType are applied by the client side). */
export type FaultName = keyof AuthenticatorFaults;

/** One prompt the phone showed, and how it was answered (in order). */
export interface PromptRecord {
  ceremony: 'create' | 'get';
  rpId: string;
  userName?: string;
  userVerification: PromptRequest['userVerification'];
  decision: PromptDecision;
}

/** A credential on the phone, without its private key (base64url ids). */
export interface PhoneCredentialInfo {
  credentialId: string;
  rpId: string;
  userHandle: string | null;
  userName: string | null;
  algorithm: number;
  signCount: number;
  discoverable: boolean;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface CeremonyOptions {
  /** The page's origin, e.g. `https://bank.example` or `http://localhost:3000`. */
  origin: string;
  /** For a cross-origin iframe: clientData gets `crossOrigin: true` and this `topOrigin`. */
  topOrigin?: string;
  /** Answers this ceremony's prompt (wins over `nextPrompt` and `prompt`). */
  decision?: PromptDecision;
  /** Faults for this ceremony only, on top of the armed ones. */
  faults?: AuthenticatorFaults;
}

export interface PhoneFaults {
  /** Arms a fault for every following ceremony until disarmed. `wrongOrigin` takes the origin to claim. */
  arm<K extends FaultName>(name: K, value?: AuthenticatorFaults[K]): void;
  disarm(name: FaultName): void;
  clear(): void;
  /** The faults armed now. */
  armed(): AuthenticatorFaults;
}

export interface Phone {
  readonly profile: DeviceProfile;
  /** The CTAP2-level authenticator behind the phone (what shim mode and `core/client` drive). */
  readonly authenticator: Authenticator;
  /** The phone's credential store (memory, or the vault for a named phone). */
  readonly store: CredentialStore;
  /** `navigator.credentials.create()` + `toJSON()`: options JSON from the RP in, RegistrationResponseJSON out. */
  create(optionsJSON: PublicKeyCredentialCreationOptionsJSON, options: CeremonyOptions): Promise<RegistrationResponseJSON>;
  /** `navigator.credentials.get()` + `toJSON()`. */
  get(optionsJSON: PublicKeyCredentialRequestOptionsJSON, options: CeremonyOptions): Promise<AuthenticationResponseJSON>;
  /** Queues answers for the next prompts, in order; they win over `prompt`. */
  nextPrompt(...decisions: PromptDecision[]): void;
  /** Answers prompts when nothing is queued (default: approve). Replaceable. */
  prompt: PhonePrompt | undefined;
  /** Every prompt shown so far. */
  readonly prompts: readonly PromptRecord[];
  /** Shows one prompt as a ceremony would (queued decision, else `prompt`, else approve) and records it. Used by browser front ends. */
  decide(request: PromptRequest): Promise<PromptDecision>;
  readonly faults: PhoneFaults;
  credentials(filter?: { rpId?: string }): PhoneCredentialInfo[];
  /** The RP's Signal API reaching the phone from a page at `origin` (what browser front ends forward). */
  signal(signal: RpSignal, options: { origin: string }): SignalResult;
  /** Every signal that reached the phone, with what it changed. */
  readonly signals: readonly SignalResult[];
}

export interface CreatePhoneOptions {
  /** A built-in profile id (`iphone-icloud`, `android-gpm`, `yubikey-5`, `windows-hello`) or your own profile. Default `iphone-icloud`. */
  profile?: string | DeviceProfile;
  /** Makes key pairs and credential ids reproducible (RS256 too). Default: OS randomness. */
  seed?: string | Uint8Array;
  /** Overrides `seed`. */
  random?: Random;
  clock?: Clock;
  /** Default: pure-JS noble (deterministic signatures). */
  backend?: CryptoBackend;
  /** Default: a fresh in-memory store. */
  credentials?: CredentialStore;
  /** Answers the prompt when no decision is queued. Default: approve. */
  prompt?: PhonePrompt;
  /** Faults armed from the start. */
  faults?: AuthenticatorFaults;
  /** Default: one process-wide harness CA. */
  attestationCa?: AttestationCa;
}

const DEFAULT_WRONG_ORIGIN = 'https://attacker.example';

/**
 * A software phone for tests with no browser: hand it the RP's options JSON and get back what
 * `@simplewebauthn/browser` would return. Errors are `HarnessError`s whose codes name the
 * DOMException a browser would raise (`NOT_ALLOWED`, `INVALID_STATE`, `SECURITY_ERROR`, `NOT_SUPPORTED`).
 *
 * @example
 * const phone = createPhone({ profile: 'yubikey-5', seed: 'test-1' });
 * const response = await phone.create(await generateRegistrationOptions(…), { origin: 'https://bank.example' });
 */
export function createPhone(options: CreatePhoneOptions = {}): Phone {
  const profile = resolveProfile(options.profile ?? 'iphone-icloud');
  return assemblePhone({
    profile,
    store: options.credentials ?? memoryCredentialStore(),
    prompt: options.prompt,
    authenticator: (localAuth, store) =>
      createAuthenticator({
        profile,
        credentials: store,
        localAuth,
        ...pick(options, ['seed', 'random', 'clock', 'backend', 'faults', 'attestationCa']),
      }),
  });
}

function pick<T extends object, K extends keyof T>(source: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}

/** Shared by createPhone and openPhone: the prompt queue, faults and ceremonies around one authenticator. */
export function assemblePhone(parts: {
  profile: DeviceProfile;
  store: CredentialStore;
  prompt: PhonePrompt | undefined;
  authenticator: (localAuth: LocalAuth, store: CredentialStore) => Authenticator;
}): Phone {
  const queue: PromptDecision[] = [];
  const prompts: PromptRecord[] = [];
  const signals: SignalResult[] = [];
  let oneShot: PromptDecision | undefined;
  const phone = {} as Phone;
  const decide = async (request: PromptRequest): Promise<PromptDecision> => {
    let decision: PromptDecision;
    if (oneShot !== undefined) {
      decision = oneShot;
      oneShot = undefined;
    } else {
      decision = queue.shift() ?? (phone.prompt ? await phone.prompt(request) : 'approve');
    }
    prompts.push({ ceremony: request.ceremony, rpId: request.rpId, ...(request.userName !== undefined ? { userName: request.userName } : {}), userVerification: request.userVerification, decision });
    return decision;
  };
  const localAuth: LocalAuth = decide;
  const authenticator = parts.authenticator(localAuth, parts.store);

  const faults: PhoneFaults = {
    arm(name, value) {
      const v = value ?? (name === 'wrongOrigin' ? DEFAULT_WRONG_ORIGIN : true);
      authenticator.faults = { ...authenticator.faults, [name]: v };
    },
    disarm(name) {
      const next = { ...authenticator.faults };
      delete next[name];
      authenticator.faults = next;
    },
    clear() {
      authenticator.faults = {};
    },
    armed: () => ({ ...authenticator.faults }),
  };

  async function ceremony<T>(options: CeremonyOptions, run: (client: ReturnType<typeof createClient>) => Promise<T>): Promise<T> {
    if (!options || typeof options.origin !== 'string') throw new HarnessError('INVALID_INPUT', 'pass { origin } (the page origin the RP expects)');
    const client = createClient({ authenticator, origin: options.origin, ...(options.topOrigin ? { topOrigin: options.topOrigin } : {}), ...(options.faults ? { faults: options.faults } : {}) });
    oneShot = options.decision;
    try {
      return await run(client);
    } finally {
      oneShot = undefined;
    }
  }

  Object.assign(phone, {
    profile: parts.profile,
    authenticator,
    store: parts.store,
    prompt: parts.prompt,
    prompts,
    decide,
    faults,
    create: (optionsJSON: PublicKeyCredentialCreationOptionsJSON, options: CeremonyOptions) => ceremony(options, (client) => client.create(optionsJSON)),
    get: (optionsJSON: PublicKeyCredentialRequestOptionsJSON, options: CeremonyOptions) => ceremony(options, (client) => client.get(optionsJSON)),
    nextPrompt: (...decisions: PromptDecision[]) => void queue.push(...decisions),
    credentials: (filter?: { rpId?: string }) => parts.store.list(filter).map(describeCredential),
    signals,
    signal: (signal: RpSignal, options: { origin: string }) => {
      const result = applySignal(parts.store, signal, options);
      signals.push(result);
      return result;
    },
  });
  return phone;
}

export function describeCredential(c: StoredCredential): PhoneCredentialInfo {
  return {
    credentialId: toBase64url(c.id),
    rpId: c.rpId,
    userHandle: c.userHandle ? toBase64url(c.userHandle) : null,
    userName: c.userName,
    algorithm: c.alg,
    signCount: c.signCount,
    discoverable: c.discoverable,
    createdAt: c.createdAt,
    lastUsedAt: c.lastUsedAt,
  };
}

export type { CreateAuthenticatorOptions };
