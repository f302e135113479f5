import { systemClock, type Clock } from '../clock.js';
import { HarnessError } from '../errors.js';
import { existsSync } from 'node:fs';
import { basename, dirname, extname } from 'node:path';
import { createWorld, type AttestationSettings } from '../journey/index.js';
import { openHarnessTrust, openScenarioTrust, type HarnessTrust } from '../mds/index.js';
import type { Mailer } from '../mail/index.js';
import { seededRandom, systemRandom, type Random } from '../random.js';
import type { Rp } from '../rp/index.js';
import { openStore, type Store } from '../store/index.js';
import { bindHarness } from './bindHarness.js';
import type { HarnessApi, HarnessImplementation } from './channels.js';
import { guardRole } from './guardRole.js';
import { adminHandlers } from './handlers/admin.js';
import type { HandlerContext } from './handlers/context.js';
import { inspectHandlers } from './handlers/inspect.js';
import { infoHandlers } from './handlers/info.js';
import { mailHandlers } from './handlers/mail.js';
import { phoneHandlers } from './handlers/phones.js';
import { scenarioHandlers } from './handlers/scenarios.js';
import { userHandlers } from './handlers/users.js';
import { trustHandlers } from './handlers/trust.js';
import { openPhoneRegistry, phoneVaultPath } from './openPhoneRegistry.js';
import { resolveVaultSecret } from './resolveVaultSecret.js';
import type { PhoneRegistry } from './phoneRegistry.js';
import { createScenarioRuns } from './scenarioRuns.js';
import { testScryptCost } from './testScryptCost.js';
import { createTokens } from './tokens.js';
import type { HarnessCaller } from './types.js';

export interface CreateHarnessOptions {
  /** SQLite file of the server; `':memory:'` (default) for a throwaway harness. */
  dbPath?: string;
  /** The phones' vault (SQLite, keys encrypted under the passphrase): default `phones.sqlite` beside `dbPath`; memory for a memory DB. */
  vaultPath?: string;
  /** Vault passphrase (from PASSKEY_HARNESS_VAULT_PASSPHRASE; never a flag). */
  passphrase?: string;
  clock?: Clock;
  random?: Random;
  /**
   * Makes what phones make reproducible (keys, credential IDs, signatures; ignored when `random` is
   * given). Never secrets: tokens, session IDs, codes, challenges and server secrets come from `secrets`.
   */
  seed?: string;
  /** Where secrets come from: the OS CSPRNG unless a test injects one. */
  secrets?: Random;
  /** scrypt cost of customer passwords; default the RP policy's (2^17), or the test suite's (`testScryptCost`). */
  scryptCost?: number;
  rpId?: string;
  origin?: string;
  /** Default: the captured outbox (`mailbox.*` reads it); an SMTP mailer also records there. */
  mailer?: Mailer;
  /** Inject a phone registry (tests, Electron); default: memory. */
  phones?: PhoneRegistry;
  /**
   * Who the direct caller (CLI, Electron IPC) is: admin channels act and are audited as this
   * admin, provisioned in the database on first use. Default: operator `harness-operator`.
   * HTTP callers get their own identity from a bearer token (`authenticate` + `as`).
   */
  actor?: HarnessCaller;
  /** The origin the console's phone frames load the customer pages from (startServer's second loopback port); the RP accepts it too. */
  phoneFrameOrigin?: string;
  /** The RP's attestation settings (`--attestation-policy`, config, scenario): conveyance, policy, unattested, revokedModelAtLogin. */
  attestation?: AttestationSettings;
  /**
   * The attestation CA and MDS. Default: the database's (`<vault>.trust.json` + `<vault>.mds.json` beside the
   * vault, sealed with the vault passphrase) for a file database; the seed-derived scenario CA for memory.
   */
  trust?: HarnessTrust;
}

export type Harness = HarnessApi & {
  /** The relying party, for core/http (`createHttpServer({ rp: harness.rp, harness: ... })`). */
  readonly rp: Rp;
  /** The identity this harness's own methods act as (`actor` option). */
  readonly actor: HarnessCaller;
  /** The attestation CA behind the phones and the local MDS the RP reads (GET /mds/blob serves it). */
  readonly trust: HarnessTrust;
  /** The phones it opened (or was given): the desktop app's phone windows use the same registry. */
  readonly phones: PhoneRegistry;
  /** The same channels acting as another admin (provisioned on first use); what an authenticated HTTP caller gets. */
  as(caller: HarnessCaller): HarnessApi;
  /** Mints a bearer token for `caller` (provisioned when missing); see `tokens.ts` for how it is stored and rotated. */
  issueToken(caller: HarnessCaller): string;
  /** The admin a bearer token belongs to, or undefined (unknown, rotated, or admin gone). */
  authenticate(token: string): HarnessCaller | undefined;
  close(): Promise<void>;
};

export const HARNESS_OPERATOR = 'harness-operator';

/**
 * The in-process harness: one RP over the SQLite file, phones, the customer journey and the
 * scenario runner, behind the channel map. It only assembles: each area's channels live in
 * `handlers/`, the role check in `guardRole.ts`, tokens in `tokens.ts`, runs in `scenarioRuns.ts`.
 * The CLI and Electron main call it directly; core/http serves it to browsers.
 */
export async function createHarness(options: CreateHarnessOptions = {}): Promise<Harness> {
  const { dbPath = ':memory:', clock = systemClock, rpId = 'localhost', seed } = options;
  const origin = options.origin ?? `http://${rpId}:8787`;
  const random = options.random ?? (seed === undefined ? systemRandom : seededRandom(seed));
  // Fixed before the database is touched: a database file that exists makes phoneVaultPath consider the legacy shared vault.
  const vaultPath = phoneVaultPath({ dbPath, vaultPath: options.vaultPath });
  const openPhones = () => openPhoneRegistry({ dbPath, vaultPath, passphrase: options.passphrase, clock });
  /**
   * `<vault>.trust.json` / `<vault>.mds.json` beside the vault (each database has its own vault, so its own
   * trust), sealed with the vault's secret (a random key file needs no key stretching).
   */
  async function openInstallationTrust() {
    const secret = resolveVaultSecret({ vaultPath, passphrase: options.passphrase });
    const stem = basename(vaultPath, extname(vaultPath));
    return await openHarnessTrust({ dir: dirname(vaultPath), stem, passphrase: secret.passphrase, clock, ...(secret.keySource === 'key-file' ? { scryptCost: 2 ** 10 } : {}) });
  }
  const secrets = options.secrets ?? systemRandom;
  const { phones, store, trust, world } = await (async () => {
    // A vault that exists opens first, so a wrong passphrase fails before the database is touched. A new
    // one (with its key and trust files) is made only once the database opened: a database that cannot be
    // opened (not SQLite, locked, unwritable) leaves no stray `<name>.phones.*` files beside it.
    let phones = options.phones ?? (vaultPath !== ':memory:' && !existsSync(vaultPath) ? undefined : openPhones());
    let store: Store | undefined;
    try {
      store = openStore({ path: dbPath });
      phones ??= openPhones();
      const trust = options.trust ?? (vaultPath === ':memory:' ? await openScenarioTrust({ clock, random }) : await openInstallationTrust());
      const world = await createWorld({ seed: seed ?? 'harness', rpId, origin, store, clock, random, secrets, scryptCost: options.scryptCost ?? testScryptCost(), admin: HARNESS_OPERATOR, mailer: options.mailer, trust, attestation: options.attestation, ...(options.phoneFrameOrigin ? { extraOrigins: [options.phoneFrameOrigin] } : {}) });
      return { phones, store, trust, world };
    } catch (error) {
      // Nothing stays open (or locked) after a failed start.
      phones?.close();
      store?.close();
      throw error;
    }
  })();
  const { rp } = world;
  const actor: HarnessCaller = options.actor ?? { name: HARNESS_OPERATOR, role: 'operator' };
  const runs = createScenarioRuns({ clock, random: secrets });
  const tokens = createTokens({ store, random: secrets });

  /** Creates the admin on first use (audited by core/rp as admin.create); a name keeps its role. */
  function provision(caller: HarnessCaller): void {
    const existing = store.admins.byName(caller.name);
    if (!existing) rp.admin.createAdmin({ name: caller.name, role: caller.role });
    else if (existing.role !== caller.role) throw new HarnessError('CONFIG_INVALID', `admin ${caller.name} exists with role ${existing.role}, not ${caller.role}`);
  }
  provision(actor);

  function implementationFor(caller: HarnessCaller): HarnessImplementation {
    const ctx: HandlerContext = { rp, store, world, phones, runs, clock, rpId, origin, dbPath, caller, trust, ...(options.phoneFrameOrigin ? { phoneFrameOrigin: options.phoneFrameOrigin } : {}) };
    return { ...infoHandlers(ctx), ...userHandlers(ctx), ...mailHandlers(ctx), ...phoneHandlers(ctx), ...adminHandlers(ctx), ...scenarioHandlers(ctx), ...trustHandlers(ctx), ...inspectHandlers(ctx) };
  }

  /** One validated, role-guarded view per admin, shared by every call as that admin. */
  const views = new Map<string, HarnessApi>();
  function viewFor(caller: HarnessCaller): HarnessApi {
    const key = `${caller.role}:${caller.name}`;
    let view = views.get(key);
    if (!view) {
      provision(caller);
      view = bindHarness(guardRole({ caller, implementation: implementationFor(caller), store, clock }));
      views.set(key, view);
    }
    return view;
  }

  return {
    ...viewFor(actor),
    rp,
    actor,
    trust,
    phones,
    as: viewFor,
    issueToken(caller) {
      provision(caller);
      return tokens.issue(caller);
    },
    authenticate: (token) => tokens.authenticate(token),
    async close() {
      phones.close();
      store.close();
    },
  };
}
