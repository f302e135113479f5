import { systemClock, type Clock } from '../clock.js';
import { createHttpServer, pickFreePort } from '../http/index.js';
import type { AttestationSettings } from '../journey/index.js';
import { createDemoCustomer, type DEMO_CUSTOMER } from './createDemoCustomer.js';
import { createHarness, type Harness } from './createHarness.js';
import { createHarnessMount } from './createHarnessMount.js';
import type { PhoneRegistry } from './phoneRegistry.js';
import type { HarnessCaller } from './types.js';

export interface StartServerOptions {
  /** The RP's SQLite file (its folder is created), or `':memory:'` for a throwaway server. */
  dbPath: string;
  /** The phones' vault; default `phones.sqlite` beside `dbPath` (memory for a memory database). */
  vaultPath?: string;
  /** Vault passphrase as the adapter read it from PASSKEY_HARNESS_VAULT_PASSPHRASE (never a flag). */
  passphrase?: string;
  /** Default `localhost`. */
  rpId?: string;
  /** Default `http://{rpId}:{port}`, with the port actually used. */
  origin?: string;
  /**
   * Makes what phones make reproducible (keys, credential IDs, signatures). Never secrets: tokens,
   * session IDs, step-up codes, challenges and server secrets always come from the OS CSPRNG.
   */
  seed?: string;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0: a free port is picked first, so the RP's origin names the real port. */
  port?: number;
  /** Built renderer to serve; default: core/http's (the nearest `out/renderer`); `null` serves no pages. */
  staticDir?: string | null;
  /**
   * Who started the server (the CLI's user, the desktop app's user): the harness's own calls act
   * as them, and the tokens are minted for them (see `RunningServer.operator` / `viewer`).
   */
  actor: HarnessCaller;
  /** Also mint a read-only token for support staff (default true; the desktop app has one local user). */
  viewerToken?: boolean;
  clock?: Clock;
  /** How often expired sessions, challenges and codes are purged (also once at start-up); default 5 minutes. */
  purgeIntervalMs?: number;
  /** The RP's attestation settings (`--attestation-policy`, config file, environment). */
  attestation?: AttestationSettings;
}

/**
 * A bearer token minted at this start (only its hash is stored, so the previous start's token
 * stops working), who it acts as, and the console URL carrying it in the fragment, which
 * browsers never send, so it stays out of server and proxy logs.
 */
export interface ServerAccess {
  caller: HarnessCaller;
  token: string;
  consoleUrl: string;
}

export interface RunningServer {
  harness: Harness;
  /** The harness's phones (the desktop app's phone windows use the same registry). */
  phones: PhoneRegistry;
  /** `http://localhost:PORT`: customer pages at `/`, console at `/console/`, API at `/api/harness/`. */
  url: string;
  port: number;
  /** The RP's origin (what passkeys are bound to). */
  origin: string;
  /** The operator's way in: acts as `actor` when it is an operator, else as `{actor.name}:operator`. */
  operator: ServerAccess;
  /** Support staff's read-only way in (`viewerToken`): acts as `actor` when it is a viewer, else as `{actor.name}:viewer`. */
  viewer?: ServerAccess;
  /** The customer pages for the console's phone frames, on their own origin (no console, no harness API there). */
  phoneFrameUrl?: string;
  /** Created at this start because the database had no customers yet. */
  demoCustomer?: typeof DEMO_CUSTOMER;
  /** Stops listening, then closes the harness (database and phones). */
  close(): Promise<void>;
}

const operatorOf = (actor: HarnessCaller): HarnessCaller => ({ name: actor.role === 'operator' ? actor.name : `${actor.name}:operator`, role: 'operator' });
const viewerOf = (actor: HarnessCaller): HarnessCaller => ({ name: actor.role === 'viewer' ? actor.name : `${actor.name}:viewer`, role: 'viewer' });

/**
 * The one server startup behind `pkh serve` / `ui` / `start` and the desktop app: phones, harness
 * (store + RP), fresh tokens, the demo customer on a fresh database, the HTTP server listening.
 * Anything that fails after the harness opened closes it again, so no file stays locked.
 */
const PURGE_INTERVAL_MS = 5 * 60_000;

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { dbPath, vaultPath, passphrase, rpId = 'localhost', seed, host = '127.0.0.1', staticDir, actor, viewerToken = true, clock = systemClock } = options;
  const port = options.port ? options.port : await pickFreePort(host);
  const origin = options.origin ?? `http://${rpId}:${port}`;
  // The console's phone frames get the customer pages from a second loopback port: another origin, so a
  // script in a customer page reaches neither the console's token nor its bridge (issue 11 item 8).
  // Same RP ID (localhost), so the RP accepts that origin too. Behind a configured origin (a proxy) the
  // frames stay on the console's origin: the proxy would need a second name (docs/SECURITY.md).
  const framePort = options.origin === undefined && rpId === 'localhost' ? await pickFreePort(host) : undefined;
  const phoneFrameOrigin = framePort === undefined ? undefined : `http://localhost:${framePort}`;
  // The harness opens the database (openStore makes its folder), then the phones: no stray vault files beside a bad one.
  const harness = await createHarness({ dbPath, vaultPath, passphrase, rpId, origin, seed, actor, clock, attestation: options.attestation, ...(phoneFrameOrigin ? { phoneFrameOrigin } : {}) });
  try {
    const operatorCaller = operatorOf(actor);
    const demoCustomer = await createDemoCustomer(harness.as(operatorCaller));
    // Issue 11: no stale bearer material lingers in the database — purged at start-up and then on a timer.
    const purgeQuietly = () => {
      try {
        harness.rp.purgeExpired();
      } catch {
        // STORE_BUSY or a closing store: the next tick tries again.
      }
    };
    purgeQuietly();
    const pages = staticDir === undefined ? {} : { staticDir };
    const listening = await createHttpServer({
      rp: harness.rp,
      harness: createHarnessMount(harness),
      origins: [origin],
      mdsBlob: () => harness.trust.mds.blob(),
      frameSrc: phoneFrameOrigin ? [phoneFrameOrigin] : [],
      ...pages,
    }).listen({ port, host });
    const consoleOrigins = [...new Set([origin, listening.url, `http://127.0.0.1:${listening.port}`])];
    const frames = phoneFrameOrigin
      ? await createHttpServer({ rp: harness.rp, pages: 'customer', origins: [phoneFrameOrigin], frameAncestors: consoleOrigins, ...pages })
          .listen({ port: framePort, host })
          .catch(async (error: unknown) => {
            await listening.close();
            throw error;
          })
      : undefined;
    // Tokens last, once both ports listen: a start that cannot listen (the port is another server's,
    // perhaps on this very database) must not rotate the tokens that server printed. A name that
    // exists with another role (CONFIG_INVALID) closes what listens and fails the start.
    const mint = (caller: HarnessCaller) => ({ caller, token: harness.issueToken(caller) });
    let operator: ReturnType<typeof mint>;
    let viewer: ReturnType<typeof mint> | undefined;
    try {
      operator = mint(operatorCaller);
      viewer = viewerToken ? mint(viewerOf(actor)) : undefined;
    } catch (error) {
      await Promise.all([listening.close(), frames?.close()]);
      throw error;
    }
    const purge = setInterval(purgeQuietly, options.purgeIntervalMs ?? PURGE_INTERVAL_MS);
    // Housekeeping must never keep the process alive on its own.
    purge.unref();
    const access = ({ caller, token }: { caller: HarnessCaller; token: string }): ServerAccess => ({ caller, token, consoleUrl: `${listening.url}/console/#token=${token}` });
    return {
      harness,
      phones: harness.phones,
      url: listening.url,
      port: listening.port,
      origin,
      operator: access(operator),
      ...(viewer ? { viewer: access(viewer) } : {}),
      ...(demoCustomer ? { demoCustomer } : {}),
      ...(frames ? { phoneFrameUrl: frames.url } : {}),
      close: async () => {
        clearInterval(purge);
        await Promise.all([listening.close(), frames?.close()]);
        await harness.close();
      },
    };
  } catch (error) {
    await harness.close();
    throw error;
  }
}
