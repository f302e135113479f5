import { openSealedCeremony, sealCeremony, type Ceremony } from '../../core/rp/ceremony/ceremonyHandle.js';
import type { RpContext } from '../../core/rp/context.js';
import { systemRandom } from '../../core/random.js';
import type { Store } from '../../core/store/index.js';
import { fromBase64url } from '../../core/webauthn/base64url.js';

/** The part of an RP's context that seals and opens ceremony handles: its database's secret. */
function sealingContext(store: Store): RpContext {
  const secret = store.meta.get('rp.secret');
  if (!secret) throw new Error('the database has no rp.secret yet: create the relying party first');
  return { store, secret: fromBase64url(secret), secrets: systemRandom } as unknown as RpContext;
}

/** A ceremony handle as the RP on `store` would seal it (tests that replay one response into fresh ceremonies). */
export function sealTestCeremony(store: Store, ceremony: Omit<Ceremony, 'handle'>): string {
  // A registration carries its session's binding, as startRegistration seals it from the session row.
  const sessionBinding = ceremony.sessionBinding ?? (ceremony.purpose === 'registration' && ceremony.sessionId !== null ? store.sessions.byId(ceremony.sessionId)?.binding : undefined);
  return sealCeremony(sealingContext(store), { ...ceremony, ...(sessionBinding ? { sessionBinding } : {}) });
}

/** What a handle from the RP on `store` carries (`handle` is its label), or undefined. */
export function openTestCeremony(store: Store, handle: string): Ceremony | undefined {
  return openSealedCeremony(sealingContext(store), handle);
}
