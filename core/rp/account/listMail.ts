import { listOutbox } from '../../mail/index.js';
import type { RpContext } from '../context.js';

/** The captured mailbox (harness view): every message the RP sent, newest first. */
export function listMail(ctx: RpContext, opts: { to?: string; limit?: number } = {}) {
  return listOutbox(ctx.store, opts);
}
