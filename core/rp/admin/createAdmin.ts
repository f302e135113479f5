import { HarnessError } from '../../errors.js';
import { audit, type RpContext } from '../context.js';
import { requireString } from '../input.js';

/** Seeds a support user (the harness plays the brokerage's back office); the admin row and its audit row commit together. Names are unique (INVALID_INPUT). */
export function createAdmin(ctx: RpContext, opts: { name: string; role: 'viewer' | 'operator' }): { adminId: number; name: string; role: 'viewer' | 'operator' } {
  const name = requireString(opts.name, 'name', 64);
  if (opts.role !== 'viewer' && opts.role !== 'operator') throw new HarnessError('INVALID_INPUT', 'role must be viewer or operator');
  const adminId = ctx.store.transaction(() => {
    const id = ctx.store.admins.insert({ name, role: opts.role, createdAt: ctx.clock.now() });
    audit(ctx, { actor: 'system', action: 'admin.create', outcome: 'success', details: { name, role: opts.role } });
    return id;
  });
  return { adminId, name, role: opts.role };
}
