import type { Clock } from '../clock.js';
import { HarnessError } from '../errors.js';
import type { Store } from '../store/index.js';
import { CHANNEL_NAMES, requiredRole, type ChannelName, type HarnessImplementation } from './channels.js';
import type { HarnessCaller } from './types.js';

/** Channels core/rp guards (and audits a refusal of) itself; the harness lets them through to it. */
const RP_GUARDED: ReadonlySet<ChannelName> = new Set<ChannelName>(['admin.revoke', 'admin.reset', 'users.lock', 'users.unlock']);

const forbidden = (name: ChannelName, caller: HarnessCaller, cause?: unknown) =>
  new HarnessError('FORBIDDEN', `${name} needs the operator role (${caller.name} is a viewer)`, cause === undefined ? undefined : { cause });

/**
 * The role check for the channels core/rp does not guard itself: a viewer calling an operator
 * channel gets `FORBIDDEN`, audited as `harness.<channel>` like the RP audits its own refusals.
 * The RP's refusals (audited there under its own action names) are re-worded the same way, so a
 * viewer always hears the channel it called and who it is, never the RP's internal action name.
 */
export function guardRole({ caller, implementation, store, clock }: { caller: HarnessCaller; implementation: HarnessImplementation; store: Store; clock: Clock }): HarnessImplementation {
  if (caller.role === 'operator') return implementation;
  const out: Record<string, (args: unknown) => Promise<unknown>> = {};
  for (const name of CHANNEL_NAMES) {
    // One loop over every channel: the per-channel argument types meet only at runtime.
    const method = implementation[name] as (args: unknown) => Promise<unknown>;
    if (requiredRole(name) === 'viewer') {
      out[name] = (args) => method.call(implementation, args);
    } else if (RP_GUARDED.has(name)) {
      out[name] = async (args) => {
        try {
          return await method.call(implementation, args);
        } catch (error) {
          throw error instanceof HarnessError && error.code === 'FORBIDDEN' ? forbidden(name, caller, error) : error;
        }
      };
    } else {
      out[name] = async () => {
        store.audit.append({ at: clock.now(), actor: `admin:${caller.name}`, action: `harness.${name}`, outcome: 'failure', code: 'FORBIDDEN' });
        throw forbidden(name, caller);
      };
    }
  }
  return out as unknown as HarnessImplementation;
}
