import type { Clock } from '../../clock.js';
import { HarnessError } from '../../errors.js';
import type { World, WorldPhone, WorldUser } from '../../journey/index.js';
import type { PasskeySummary, Rp } from '../../rp/index.js';
import type { HarnessTrust } from '../../mds/index.js';
import type { Store } from '../../store/index.js';
import type { ChannelName } from '../channels.js';
import type { PhoneRegistry } from '../phoneRegistry.js';
import type { ScenarioRuns } from '../scenarioRuns.js';
import type { HarnessCaller, PasskeyView, UserSummary } from '../types.js';

/** What every handler file is built from: the harness's parts and the admin the calls act as. */
export interface HandlerContext {
  rp: Rp;
  store: Store;
  /** The journey the harness plays the customer in (one per harness, over the harness's RP). */
  world: World;
  phones: PhoneRegistry;
  runs: ScenarioRuns;
  clock: Clock;
  rpId: string;
  origin: string;
  dbPath: string;
  caller: HarnessCaller;
  /** Where the console's phone frames load the customer pages (`harness.info.phoneFrameOrigin`). */
  phoneFrameOrigin?: string;
  /** Attestation CA and local MDS (ca.export, mds.*). */
  trust: HarnessTrust;
}

type HarnessActionTarget = Omit<Parameters<Rp['admin']['recordHarnessAction']>[0], 'admin' | 'action'>;

/**
 * Audits a channel core/rp does not audit itself, as `harness.<channel>` by the caller, once the
 * channel's work succeeded (a failure throws before this and is not recorded). Phones live in
 * their own registry, not in the RP database, so the row cannot commit with the change: it is
 * written right after it.
 */
export function recordAction({ rp, caller }: HandlerContext, channel: ChannelName, target: HarnessActionTarget = {}): void {
  rp.admin.recordHarnessAction({ admin: caller.name, action: `harness.${channel}`, ...target });
}

/** The faults armed for a call, by name (the audit says how the journey was bent, not just that it ran). */
export const armedFaults = (faults: Record<string, boolean | undefined> | undefined): string[] => Object.keys(faults ?? {}).filter((k) => faults![k]);

/** One customer as core/rp's admin search returns it. */
export type AccountMatch = Awaited<ReturnType<Rp['admin']['searchAccounts']>>['accounts'][number];

export const iso = (ms: number): string => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

/** The customer whose login ID is exactly `username` (search matches prefixes too), as the caller. */
export async function findAccount({ rp, caller }: HandlerContext, username: string): Promise<AccountMatch> {
  const { accounts } = await rp.admin.searchAccounts({ admin: caller.name, query: username });
  const found = accounts.find((a) => a.loginId === username);
  if (!found) throw new HarnessError('ACCOUNT_NOT_FOUND', `no customer with login ID ${username}`);
  return found;
}

export function toUserSummary(a: AccountMatch): UserSummary {
  return { username: a.loginId, displayName: a.displayName, emails: [...a.emails], locked: a.locked, lockedUntil: a.lockedUntil === null ? null : new Date(a.lockedUntil).toISOString(), otpEnrolled: a.otp, passkeyCount: a.passkeyCount };
}

/**
 * The RP names models by AAGUID from its table (and MDS); a custom profile's AAGUID is in neither,
 * so the harness names it by the label of the phone profile that carries it.
 */
function profileLabelFor(ctx: Pick<HandlerContext, 'phones'>, aaguid: string): string | undefined {
  for (const phone of ctx.phones.list()) {
    if (typeof phone.profile !== 'string' && phone.profile.aaguid === aaguid) return phone.profile.label;
  }
  return undefined;
}

export function toPasskeyView(username: string, p: PasskeySummary, ctx?: Pick<HandlerContext, 'phones'>): PasskeyView {
  const unknown = p.authenticatorName === 'Unknown authenticator';
  return {
    credentialId: p.credentialId,
    username,
    name: p.name,
    aaguid: p.aaguid,
    authenticatorName: (unknown && ctx && profileLabelFor(ctx, p.aaguid)) || p.authenticatorName,
    transports: [...p.transports],
    backupEligible: p.backupEligible,
    backupState: p.backupState,
    attestation: p.attestation,
    signCount: p.counter,
    createdAt: iso(p.createdAt),
    lastUsedAt: isoOrNull(p.lastUsedAt),
    revokedAt: isoOrNull(p.revokedAt),
  };
}

/**
 * Seats a persisted customer in the harness's journey (the harness plays the customer and, when
 * the OTP service is active, their OTP app) and makes them the current user.
 */
export async function seatUser(ctx: HandlerContext, username: string, password: string): Promise<WorldUser> {
  const a = await findAccount(ctx, username);
  const otp = ctx.store.otp.get(a.accountId);
  const otpUri = otp?.status === 'active' ? `otpauth://totp/${encodeURIComponent(username)}?secret=${otp.secret}&algorithm=SHA1&digits=6&period=30` : undefined;
  const user: WorldUser = { username, password, accountId: a.accountId, emails: [], otpUri };
  ctx.world.users.set(username, user);
  ctx.world.currentUser = username;
  return user;
}

/** Seats a registry phone (its persistent credentials) in the journey, approving by default. */
export function seatPhone({ world, phones }: HandlerContext, name: string): WorldPhone {
  const record = phones.get(name);
  const phone: WorldPhone = { name: record.name, profile: record.profile, credentials: record.credentials, faults: {}, decision: 'approve' };
  world.phones.set(name, phone);
  return phone;
}
