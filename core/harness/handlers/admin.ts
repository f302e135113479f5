import type { HarnessImplementation } from '../channels.js';
import type { AuditEntry } from '../types.js';
import { findAccount, iso, toPasskeyView, type HandlerContext } from './context.js';

type AdminChannels = 'admin.passkeys' | 'admin.inspect' | 'admin.revoke' | 'admin.reset' | 'admin.audit' | 'admin.verifyAudit';

/** Asks core/rp for every row (it caps one read at 1000); `since` and `limit` are applied here. */
const AUDIT_READ_ALL = 100_000;

/**
 * Support: passkeys by customer or credential ID, revoke one / reset all, and the audit log.
 * Every call is core/rp's admin operation acting as the caller, so the RP checks the role,
 * requires the reason and audits the action in the same transaction as the change.
 */
export function adminHandlers(ctx: HandlerContext): Pick<HarnessImplementation, AdminChannels> {
  const { rp } = ctx;
  const admin = ctx.caller.name;

  return {
    async 'admin.passkeys'({ username }) {
      const { accountId } = await findAccount(ctx, username);
      const { passkeys } = await rp.admin.listPasskeys({ admin, accountId });
      return passkeys.map((p) => toPasskeyView(username, p));
    },
    async 'admin.inspect'({ credentialId }) {
      const found = await rp.admin.findPasskey({ admin, credentialId });
      const d = await rp.admin.inspectPasskey({ admin, passkeyId: found.passkeyId });
      // The view first, then what only inspection shows (format, algorithm, flags, key, revocation).
      return { ...toPasskeyView(found.loginId, d), fmt: d.fmt, attestation: d.attestation, alg: d.alg, flags: d.flags, publicKeyCose: d.publicKeyCose, revokeReason: d.revokeReason, revokeTicket: d.revokeTicket };
    },
    async 'admin.revoke'({ credentialId, reason, ticket }) {
      const { passkeyId } = await rp.admin.findPasskey({ admin, credentialId });
      const { revokedAt } = await rp.admin.revokePasskey({ admin, passkeyId, reason, ticket: ticket ?? '' });
      return { credentialId, revokedAt: iso(revokedAt) };
    },
    async 'admin.reset'({ username, reason, ticket }) {
      const { accountId } = await findAccount(ctx, username);
      const { revoked } = await rp.admin.resetPasskeys({ admin, accountId, reason, ticket: ticket ?? '' });
      return { username, revoked };
    },
    async 'admin.audit'({ username, since, limit }) {
      const accountId = username === undefined ? undefined : (await findAccount(ctx, username)).accountId;
      const { entries } = await rp.admin.readAudit({ admin, ...(accountId === undefined ? {} : { accountId }), limit: AUDIT_READ_ALL });
      const sinceMs = since === undefined ? undefined : Date.parse(since);
      const out: AuditEntry[] = entries
        .filter((e) => sinceMs === undefined || e.at >= sinceMs)
        .map((e) => ({ seq: e.id, at: iso(e.at), actor: e.actor, action: e.action, target: e.accountId === null ? null : String(e.accountId), outcome: e.outcome, details: { ...e.details, ...(e.code ? { code: e.code } : {}) } }));
      return limit === undefined ? out : out.slice(-limit);
    },
    async 'admin.verifyAudit'() {
      const { ok, count, brokenAt } = await rp.admin.verifyAudit({ admin });
      return { ok, entries: count, firstBrokenSeq: brokenAt ?? null };
    },
  };
}
