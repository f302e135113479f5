import { resolveProfile } from '../../authenticator/index.js';
import { browserFor } from '../../journey/index.js';
import { toBase64url, type PublicKeyCredentialCreationOptionsJSON, type PublicKeyCredentialRequestOptionsJSON } from '../../webauthn/index.js';
import type { ChannelArgs, HarnessImplementation } from '../channels.js';
import type { PhoneRecord } from '../phoneRegistry.js';
import type { PhoneCredential, PhoneSummary } from '../types.js';
import { iso, seatPhone, type HandlerContext } from './context.js';

type PhoneChannels = 'phones.create' | 'phones.list' | 'phones.show' | 'phones.rename' | 'phones.export' | 'phones.import' | 'phones.delete' | 'phones.credentials' | 'phones.createCredential' | 'phones.getAssertion';

function toPhoneSummary(p: PhoneRecord): PhoneSummary {
  const profile = resolveProfile(p.profile);
  return { name: p.name, profile: profile.id, profileLabel: profile.label, credentialCount: p.credentials.list().length, createdAt: iso(p.createdAt) };
}

function toPhoneCredentials(p: PhoneRecord): PhoneCredential[] {
  return p.credentials.list().map((c) => ({
    credentialId: toBase64url(c.id),
    rpId: c.rpId,
    userName: c.userName ?? '',
    userHandle: c.userHandle ? toBase64url(c.userHandle) : '',
    algorithm: c.alg,
    signCount: c.signCount,
    discoverable: c.discoverable,
    createdAt: iso(c.createdAt),
  }));
}

/**
 * Virtual phones: the registry's CRUD, export / import, and a phone acting as the browser for
 * raw WebAuthn options (the console's phone frames), with the decision and faults armed per call.
 */
export function phoneHandlers(ctx: HandlerContext): Pick<HarnessImplementation, PhoneChannels> {
  const { phones, world } = ctx;

  /** The browser side of one console ceremony: the phone seated in the journey, at the frame's origin. */
  function browserAt({ phone, origin, decision, faults }: ChannelArgs<'phones.createCredential' | 'phones.getAssertion'>) {
    const seated = seatPhone(ctx, phone);
    seated.decision = decision;
    seated.faults = { ...(faults ?? {}) };
    return browserFor({ ...world, origin }, seated);
  }

  return {
    async 'phones.create'({ name, profile }) {
      return toPhoneSummary(phones.create(name, profile));
    },
    async 'phones.list'() {
      return phones.list().map(toPhoneSummary);
    },
    async 'phones.show'({ name }) {
      const p = phones.get(name);
      return { ...toPhoneSummary(p), credentials: toPhoneCredentials(p) };
    },
    async 'phones.rename'({ name, newName }) {
      return toPhoneSummary(phones.rename(name, newName));
    },
    async 'phones.export'({ name }) {
      return phones.export(name);
    },
    async 'phones.import'({ data, name }) {
      return toPhoneSummary(phones.import(data, name));
    },
    async 'phones.delete'({ name }) {
      phones.delete(name);
      world.phones.delete(name);
      return { name, deleted: true as const };
    },
    async 'phones.credentials'({ name }) {
      return toPhoneCredentials(phones.get(name));
    },
    // The options are checked for shape only at the boundary (a JSON object); core/client validates
    // them as a browser would, and its response JSON crosses back as a plain JSON object.
    async 'phones.createCredential'(args) {
      const response = await browserAt(args).create(args.options as unknown as PublicKeyCredentialCreationOptionsJSON);
      return { ...response };
    },
    async 'phones.getAssertion'(args) {
      const response = await browserAt(args).get(args.options as unknown as PublicKeyCredentialRequestOptionsJSON);
      return { ...response };
    },
  };
}
