import { Secret } from 'otpauth';
import { memoryCredentialStore, resolveProfile, type CredentialStore, type DeviceProfile, type LocalAuthDecision } from '../authenticator/index.js';
import { ManualClock, type Clock } from '../clock.js';
import { HarnessError } from '../errors.js';
import type { Mailer } from '../mail/index.js';
import { seededRandom, type Random } from '../random.js';
import { openScenarioTrust, type HarnessTrust } from '../mds/index.js';
import { createRelyingParty, type Rp, type RpPolicy } from '../rp/index.js';
import { openStore, type Store } from '../store/index.js';
import type { AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON } from '../webauthn/index.js';
import type { FaultName } from './faults.js';
import type { CeremonyTrace } from './steps.js';

/** A virtual phone inside one scenario: in-memory credentials, armed faults, next local-auth decision. */
export interface WorldPhone {
  name: string;
  profile: string | DeviceProfile;
  credentials: CredentialStore;
  faults: Partial<Record<FaultName, boolean>>;
  decision: LocalAuthDecision;
}

export interface WorldUser {
  username: string;
  password: string;
  accountId: number;
  sessionId?: string;
  otpUri?: string;
  emails: { emailId: number; address: string }[];
  code?: string;
  ceremony?: { ceremonyId: string; options: PublicKeyCredentialCreationOptionsJSON };
}

/**
 * Everything one scenario runs against: a fresh in-memory database, an RP, a ManualClock and a
 * seeded Random, so two runs with the same seed produce the same bytes.
 */
export interface World {
  seed: string;
  clock: Clock;
  random: Random;
  store: Store;
  rp: Rp;
  /** The attestation CA the world's phones attest with, and the MDS its RP reads. */
  trust: HarnessTrust;
  rpId: string;
  origin: string;
  admin: string;
  users: Map<string, WorldUser>;
  phones: Map<string, WorldPhone>;
  currentUser?: string;
  lastLogin?: { ceremonyId: string; response: AuthenticationResponseJSON };
  /** The last ceremony a step played (the scenario runner attaches it to a failed or refused step). */
  lastCeremony?: CeremonyTrace;
  close(): void;
}

export const SCENARIO_OPERATOR = 'scenario-operator';

export interface WorldOptions {
  seed: string;
  rpId?: string;
  origin?: string;
  /** Default: a fresh in-memory database (scenarios); the harness passes its file store. */
  store?: Store;
  /** Default: a ManualClock at 2026-01-01 (scenarios advance it by hand). */
  clock?: Clock;
  /** Default: seededRandom(seed). */
  random?: Random;
  /**
   * The RP's secrets (session IDs, codes, challenges; `RpContext.secrets`). Default: `random` — a
   * scenario world has its own memory database and replays byte for byte from its seed. The harness
   * passes the OS CSPRNG: its database outlives the run and faces real clients.
   */
  secrets?: Random;
  /** Operator the world's admin steps act as (created when missing). */
  admin?: string;
  /** Default: the RP's captured outbox. */
  mailer?: Mailer;
  /** Default: the process's seed-derived scenario CA and a fresh in-memory MDS. */
  trust?: HarnessTrust;
  /** The RP's attestation settings (conveyance, policy, unattested, revokedModelAtLogin). */
  attestation?: AttestationSettings;
  /** scrypt cost of the RP's password hashes (default: the RP policy's). Scenario runs pass a low one: hashing is not what they exercise. */
  scryptCost?: number;
  /** Origins the RP accepts besides `origin` (the console's phone-frame origin: same RP ID, another port). */
  extraOrigins?: string[];
}

/** The part of the RP policy a harness, a scenario or the CLI configures for attestation. */
export type AttestationSettings = Partial<Pick<RpPolicy, 'attestation' | 'attestationPolicy' | 'unattested' | 'revokedModelAtLogin'>>;

export async function createWorld(options: WorldOptions): Promise<World> {
  const { seed, rpId = 'localhost', origin, store = openStore({ path: ':memory:' }), clock = new ManualClock(), random = seededRandom(seed), admin = SCENARIO_OPERATOR, mailer } = options;
  const actualOrigin = origin ?? `http://${rpId}:8787`;
  const trust = options.trust ?? (await openScenarioTrust({ clock, random }));
  const rp = createRelyingParty({
    store,
    rpId,
    rpName: 'Passkey Harness',
    origins: [actualOrigin, ...(options.extraOrigins ?? [])],
    clock,
    random,
    secrets: options.secrets ?? random,
    ...(mailer ? { mailer } : {}),
    policy: { ...options.attestation, ...(options.scryptCost ? { scryptCost: options.scryptCost } : {}) },
    // The harness RP trusts its own CA and pins its own MDS, reading the BLOB the MDS serves.
    trust: { attestationRoots: [trust.ca.rootPem], mdsRoots: [trust.mds.rootPem], metadata: { blob: () => trust.mds.blob() } },
  });
  try {
    await rp.admin.createAdmin({ name: admin, role: 'operator' });
  } catch (error) {
    // A persistent store (the harness) already has its operator from an earlier start.
    if (!(error instanceof HarnessError)) throw error;
  }
  return {
    seed,
    clock,
    random,
    store,
    rp,
    trust,
    rpId,
    origin: actualOrigin,
    admin,
    users: new Map(),
    phones: new Map(),
    close: () => store.close(),
  };
}

export function newPhone(world: World, name: string, profile: string | DeviceProfile): WorldPhone {
  if (world.phones.has(name)) throw new HarnessError('PHONE_EXISTS', `phone ${name} already exists`);
  resolveProfile(profile);
  const phone: WorldPhone = { name, profile, credentials: memoryCredentialStore(), faults: {}, decision: 'approve' };
  world.phones.set(name, phone);
  return phone;
}

export function phoneOf(world: World, name: string): WorldPhone {
  const phone = world.phones.get(name);
  if (!phone) throw new HarnessError('PHONE_NOT_FOUND', `no phone named ${name} (create it with createPhone)`);
  return phone;
}

export function userOf(world: World, name: string | undefined): WorldUser {
  const key = name ?? world.currentUser;
  if (!key) throw new HarnessError('SCENARIO_INVALID', 'no user named and no user created yet');
  const user = world.users.get(key);
  if (!user) throw new HarnessError('ACCOUNT_NOT_FOUND', `no user ${key} in this scenario (create it with createUser)`);
  world.currentUser = key;
  return user;
}

export function sessionOf(user: WorldUser): string {
  if (!user.sessionId) throw new HarnessError('AUTH_REQUIRED', `${user.username} is not logged in (add a login step)`);
  return user.sessionId;
}

export function newOtpSecret(random: Random): string {
  const bytes = random.bytes(20);
  return new Secret({ buffer: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer }).base32;
}
