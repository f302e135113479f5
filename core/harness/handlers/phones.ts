import { builtInProfiles, describeProfile, parseProfile, profileJsonSchema, resolveProfile, type StoredCredential } from '../../authenticator/index.js';
import { HarnessError } from '../../errors.js';
import { browserFor, FAULTS } from '../../journey/index.js';
import { applySignal } from '../../phone/index.js';
import { fromBase64url, toBase64url, type PublicKeyCredentialCreationOptionsJSON, type PublicKeyCredentialRequestOptionsJSON } from '../../webauthn/index.js';
import type { ChannelArgs, HarnessImplementation } from '../channels.js';
import type { PhoneRecord } from '../phoneRegistry.js';
import type { PhoneCredential, PhoneSignalResult, PhoneSummary } from '../types.js';
import { armedFaults, iso, recordAction, seatPhone, type HandlerContext } from './context.js';

type PhoneChannels =
  | 'phones.create'
  | 'phones.list'
  | 'phones.show'
  | 'phones.rename'
  | 'phones.export'
  | 'phones.import'
  | 'phones.delete'
  | 'phones.credentials'
  | 'phones.removeCredential'
  | 'phones.exportCredential'
  | 'phones.signal'
  | 'phones.createCredential'
  | 'phones.getAssertion'
  | 'phones.profiles'
  | 'phones.profileSchema'
  | 'phones.faults';

/** What the audit keeps of a credential an RP signal removed (never its key), so the phone can still list it as removed. */
interface SignalTombstone {
  credentialId: string;
  rpId: string;
  userName: string;
  userHandle: string;
  algorithm: number;
  createdAt: string;
}

/** The credential IDs a phone holds: what an audit row names instead of the keys. */
const credentialIdsOf = (p: PhoneRecord): string[] => p.credentials.list().map((c) => toBase64url(c.id));

const tombstone = (c: StoredCredential): SignalTombstone => ({
  credentialId: toBase64url(c.id),
  rpId: c.rpId,
  userName: c.userName ?? '',
  userHandle: c.userHandle ? toBase64url(c.userHandle) : '',
  algorithm: c.alg,
  createdAt: iso(c.createdAt),
});


function toPhoneSummary(p: PhoneRecord): PhoneSummary {
  const profile = resolveProfile(p.profile);
  return { name: p.name, profile: profile.id, profileLabel: profile.label, credentialCount: p.credentials.list().length, createdAt: iso(p.createdAt) };
}

function toPhoneCredentials(p: PhoneRecord): PhoneCredential[] {
  const profile = resolveProfile(p.profile);
  return p.credentials.list().map((c) => ({
    credentialId: toBase64url(c.id),
    rpId: c.rpId,
    userName: c.userName ?? '',
    userDisplayName: c.userDisplayName ?? '',
    userHandle: c.userHandle ? toBase64url(c.userHandle) : '',
    algorithm: c.alg,
    signCount: c.signCount,
    discoverable: c.discoverable,
    backupEligible: profile.backupEligible,
    backupState: profile.backupState,
    createdAt: iso(c.createdAt),
    lastUsedAt: c.lastUsedAt === null ? null : iso(c.lastUsedAt),
  }));
}

/**
 * Virtual phones: the registry's CRUD, export / import, and a phone acting as the browser for
 * raw WebAuthn options (the console's phone frames), with the decision and faults armed per call.
 */
export function phoneHandlers(ctx: HandlerContext): Pick<HarnessImplementation, PhoneChannels> {
  const { phones, world, rp } = ctx;
  const admin = ctx.caller.name;

  /** Credentials RP signals removed from this phone, from the audit (the phone itself no longer holds them). */
  function removedBySignal(name: string): PhoneCredential[] {
    const actor = `phone:${name}`;
    const rows = rp.admin.searchAudit({ admin, actor, action: 'phone.signal.', limit: 500 }).entries.filter((e) => e.actor === actor);
    return rows.flatMap((e) =>
      ((e.details.removed as SignalTombstone[] | undefined) ?? []).map((t) => ({
        ...t,
        signCount: 0,
        discoverable: true,
        removedBySignal: { signal: e.action.slice('phone.signal.'.length), at: iso(e.at), origin: String(e.details.origin ?? '') },
      })),
    );
  }

  function findCredential(name: string, credentialId: string): StoredCredential {
    const found = phones.get(name).credentials.get(fromBase64url(credentialId, 'credential id'));
    if (!found) throw new HarnessError('CREDENTIAL_UNKNOWN', `phone ${name} holds no credential ${credentialId}`);
    return found;
  }

  /** The browser side of one console ceremony: the phone seated in the journey, at the frame's origin. */
  function browserAt({ phone, origin, decision, faults }: ChannelArgs<'phones.createCredential' | 'phones.getAssertion'>) {
    const seated = seatPhone(ctx, phone);
    seated.decision = decision;
    seated.faults = { ...(faults ?? {}) };
    return browserFor({ ...world, origin }, seated);
  }

  return {
    async 'phones.create'({ name, profile }) {
      // A custom profile is checked against the published schema (phones.profileSchema) before it is stored.
      const summary = toPhoneSummary(phones.create(name, typeof profile === 'string' ? profile : parseProfile(profile)));
      recordAction(ctx, 'phones.create', { details: { phone: name, profile: summary.profile } });
      return summary;
    },
    async 'phones.profiles'() {
      return Object.values(builtInProfiles).map((p) => describeProfile(p, true));
    },
    async 'phones.profileSchema'() {
      return profileJsonSchema();
    },
    async 'phones.faults'() {
      return FAULTS.map((f) => ({ ...f, ceremonies: [...f.ceremonies] }));
    },
    async 'phones.list'() {
      return phones.list().map(toPhoneSummary);
    },
    async 'phones.show'({ name }) {
      const p = phones.get(name);
      return { ...toPhoneSummary(p), credentials: toPhoneCredentials(p) };
    },
    async 'phones.rename'({ name, newName }) {
      const summary = toPhoneSummary(phones.rename(name, newName));
      recordAction(ctx, 'phones.rename', { details: { phone: newName, from: name } });
      return summary;
    },
    async 'phones.export'({ name }) {
      const data = phones.export(name);
      // Private keys leave the vault: the row names the phone and the credentials, never the keys.
      const credentialIds = (data.credentials as { credentialId: string }[]).map((c) => c.credentialId);
      recordAction(ctx, 'phones.export', { credentialIds, details: { phone: name, credentialIds } });
      return data;
    },
    async 'phones.import'({ data, name }) {
      const record = phones.import(data, name);
      const credentialIds = credentialIdsOf(record);
      recordAction(ctx, 'phones.import', { credentialIds, details: { phone: record.name, credentialIds } });
      return toPhoneSummary(record);
    },
    async 'phones.delete'({ name }) {
      const credentialIds = credentialIdsOf(phones.get(name));
      phones.delete(name);
      world.phones.delete(name);
      recordAction(ctx, 'phones.delete', { credentialIds, details: { phone: name, credentialIds } });
      return { name, deleted: true as const };
    },
    async 'phones.credentials'({ name }) {
      return [...toPhoneCredentials(phones.get(name)), ...removedBySignal(name)];
    },
    async 'phones.removeCredential'({ name, credentialId }) {
      const found = findCredential(name, credentialId);
      phones.get(name).credentials.delete(found.id);
      recordAction(ctx, 'phones.removeCredential', { credentialIds: [credentialId], details: { phone: name, credentialId } });
      return { name, credentialId, removed: true as const };
    },
    async 'phones.exportCredential'({ name, credentialId }) {
      findCredential(name, credentialId);
      const data = phones.export(name);
      const credentials = (data.credentials as { credentialId: string }[]).filter((c) => c.credentialId === credentialId);
      recordAction(ctx, 'phones.exportCredential', { credentialIds: [credentialId], details: { phone: name, credentialId } });
      return { ...data, credentials };
    },
    // The RP's pages speak through the Signal API; the phone acts as core/phone's applySignal says (same rules as a
    // Playwright phone), and the change, if any, is audited with what it removed.
    async 'phones.signal'(args) {
      const { phone: name, origin, ...signal } = args;
      const store = phones.get(name).credentials;
      // Every credential, not just signal.rpId's: applySignal matches the RP ID case-insensitively (LocalHost is localhost).
      const before = new Map(store.list().map((c) => [toBase64url(c.id), c]));
      const { rpId, removed, updated } = applySignal(store, signal, { origin });
      // Only a change is audited: pages signal the accepted list at every sign-in.
      if (removed.length || updated.length) {
        const first = before.get(removed[0] ?? updated[0] ?? '');
        const userHandle = 'userId' in signal ? signal.userId : first?.userHandle ? toBase64url(first.userHandle) : undefined;
        rp.admin.recordPhoneSignal({
          admin,
          phone: name,
          signal: signal.signal,
          rpId,
          ...(userHandle ? { userHandle } : {}),
          removedCredentialIds: removed,
          details: { origin, removed: removed.map((id) => tombstone(before.get(id)!)), updatedCredentialIds: updated },
        });
      }
      const result: PhoneSignalResult = { phone: name, signal: signal.signal, removed, updated };
      return result;
    },
    // The options are checked for shape only at the boundary (a JSON object); core/client validates
    // them as a browser would, and its response JSON crosses back as a plain JSON object.
    async 'phones.createCredential'(args) {
      const options = args.options as unknown as PublicKeyCredentialCreationOptionsJSON;
      const response = await browserAt(args).create(options);
      // The new passkey is not at the RP yet: the customer is found by the options' user handle.
      recordAction(ctx, 'phones.createCredential', { userHandle: options.user?.id, details: { phone: args.phone, origin: args.origin, credentialId: response.id, decision: args.decision, faults: armedFaults(args.faults) } });
      return { ...response };
    },
    async 'phones.getAssertion'(args) {
      const response = await browserAt(args).get(args.options as unknown as PublicKeyCredentialRequestOptionsJSON);
      recordAction(ctx, 'phones.getAssertion', { credentialIds: [response.id], details: { phone: args.phone, origin: args.origin, credentialId: response.id, decision: args.decision, faults: armedFaults(args.faults) } });
      return { ...response };
    },
  };
}
