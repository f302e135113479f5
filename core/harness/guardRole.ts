import type { Clock } from '../clock.js';
import { HarnessError } from '../errors.js';
import type { Store } from '../store/index.js';
import { CHANNEL_NAMES, requiredRole, type ChannelName, type HarnessImplementation } from './channels.js';
import type { HarnessCaller } from './types.js';

/** Channels core/rp guards (and audits a refusal of) itself; the harness lets them through to it. */
const RP_GUARDED: ReadonlySet<ChannelName> = new Set<ChannelName>(['admin.revoke', 'admin.reset', 'users.lock', 'users.unlock']);

/**
 * The role check for the channels core/rp does not guard itself: a viewer calling an operator
 * channel gets `FORBIDDEN`, audited as `harness.<channel>` like the RP audits its own refusals.
 */
export function guardRole({ caller, implementation, store, clock }: { caller: HarnessCaller; implementation: HarnessImplementation; store: Store; clock: Clock }): HarnessImplementation {
  if (caller.role === 'operator') return implementation;
  const out: Record<string, (args: unknown) => Promise<unknown>> = {};
  for (const name of CHANNEL_NAMES) {
    // One loop over every channel: the per-channel argument types meet only at runtime.
    const method = implementation[name] as (args: unknown) => Promise<unknown>;
    out[name] =
      requiredRole(name) === 'viewer' || RP_GUARDED.has(name)
        ? (args) => method.call(implementation, args)
        : async () => {
            store.audit.append({ at: clock.now(), actor: `admin:${caller.name}`, action: `harness.${name}`, outcome: 'failure', code: 'FORBIDDEN' });
            throw new HarnessError('FORBIDDEN', `${name} needs the operator role (${caller.name} is a viewer)`);
          };
  }
  return out as unknown as HarnessImplementation;
}
