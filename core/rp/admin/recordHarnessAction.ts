import { HarnessError } from '../../errors.js';
import { fromBase64url } from '../../webauthn/index.js';
import { audit, type RpContext } from '../context.js';
import { requireAdmin } from './requireAdmin.js';

/** `harness.<channel>`, the name the harness also gives a viewer's refusal of that channel (core/harness/guardRole.ts). */
const HARNESS_ACTION = /^harness\.[A-Za-z][A-Za-z.]{0,63}$/;

/** The account behind a user handle, or undefined for one this RP never issued (or not base64url). */
function accountByUserHandle(ctx: RpContext, userHandle: string): number | undefined {
  try {
    return ctx.store.accounts.byUserHandle(fromBase64url(userHandle, 'userHandle'))?.id;
  } catch {
    return undefined;
  }
}

/**
 * Operator: records that an admin drove the harness through a channel core/rp does not audit
 * itself (phones and their keys, the local MDS, a customer journey the harness played). The
 * target customer is `accountId`, else the one account owning the
 * given passkeys or user handle at this RP; when they belong to several, all are listed in the
 * details. Details name things (phone, credential IDs); callers never put keys or codes in them.
 */
export function recordHarnessAction(
  ctx: RpContext,
  opts: { admin: string; action: string; accountId?: number; userHandle?: string; credentialIds?: string[]; details?: Record<string, unknown> },
): { recorded: true; accountId: number | null } {
  // Only harness actions: this must not forge the rows core/rp writes for its own operations.
  if (typeof opts.action !== 'string' || !HARNESS_ACTION.test(opts.action)) throw new HarnessError('INVALID_INPUT', 'action must be harness.<channel>');
  const admin = requireAdmin(ctx, opts.admin, 'operator', opts.action);
  let accountId = opts.accountId ?? null;
  const owners = new Set<number>();
  if (accountId === null) {
    for (const id of opts.credentialIds ?? []) {
      const owner = ctx.store.passkeys.byCredentialId(id)?.accountId;
      if (owner !== undefined) owners.add(owner);
    }
    const owner = opts.userHandle ? accountByUserHandle(ctx, opts.userHandle) : undefined;
    if (owner !== undefined) owners.add(owner);
    if (owners.size === 1) accountId = [...owners][0]!;
  }
  const details = { ...opts.details, ...(owners.size > 1 ? { accountIds: [...owners].sort((a, b) => a - b) } : {}) };
  ctx.store.transaction(() => audit(ctx, { actor: `admin:${admin.name}`, action: opts.action, outcome: 'success', accountId, details }));
  return { recorded: true, accountId };
}
