import type { HarnessImplementation } from '../channels.js';
import type { AuditEntry } from '../types.js';
import { findAccount, iso, toPasskeyView, type HandlerContext } from './context.js';

type AdminChannels = 'admin.passkeys' | 'admin.inspect' | 'admin.revoke' | 'admin.reset' | 'admin.audit' | 'admin.auditSearch' | 'admin.verifyAudit';

type AuditRead = ReturnType<HandlerContext['rp']['admin']['readAudit']>['entries'][number];

/** core/rp's audit row as the harness shows it, with the customer's login ID beside the numeric target. */
export function toAuditEntry(ctx: Pick<HandlerContext, 'store'>, e: AuditRead, logins = new Map<number, string | null>()): AuditEntry {
  let targetLogin: string | null = null;
  if (e.accountId !== null) {
    if (!logins.has(e.accountId)) logins.set(e.accountId, ctx.store.accounts.byId(e.accountId)?.loginId ?? null);
    targetLogin = logins.get(e.accountId) ?? null;
  }
  return { seq: e.id, at: iso(e.at), actor: e.actor, action: e.action, target: e.accountId === null ? null : String(e.accountId), targetLogin, outcome: e.outcome, details: { ...e.details, ...(e.code ? { code: e.code } : {}) } };
}

/** The most rows rp.admin.readAudit returns per call; `admin.audit` pages, applying `since` and `limit` itself. */
const AUDIT_PAGE = 1000;

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
      return passkeys.map((p) => toPasskeyView(username, p, ctx));
    },
    async 'admin.inspect'({ credentialId }) {
      const found = await rp.admin.findPasskey({ admin, credentialId });
      const d = await rp.admin.inspectPasskey({ admin, passkeyId: found.passkeyId });
      // The view first, then what only inspection shows (format, algorithm, flags, key, revocation).
      return { ...toPasskeyView(found.loginId, d, ctx), fmt: d.fmt, attestation: d.attestation, alg: d.alg, flags: d.flags, publicKeyCose: d.publicKeyCose, revokeReason: d.revokeReason, revokeTicket: d.revokeTicket };
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
      const sinceMs = since === undefined ? undefined : Date.parse(since);
      // rp reads at most AUDIT_PAGE rows a call, oldest first: page through the whole log (a log past
      // the first page used to end there silently, so --limit showed old rows, not the newest), keeping
      // only the newest `limit` as it goes.
      let kept: AuditRead[] = [];
      for (let afterId = 0; ; ) {
        const { entries } = rp.admin.readAudit({ admin, ...(accountId === undefined ? {} : { accountId }), afterId, limit: AUDIT_PAGE });
        kept.push(...entries.filter((e) => sinceMs === undefined || e.at >= sinceMs));
        if (limit !== undefined && kept.length > limit) kept = kept.slice(-limit);
        if (entries.length < AUDIT_PAGE) break;
        afterId = entries[entries.length - 1]!.id;
      }
      const logins = new Map<number, string | null>();
      return kept.map((e) => toAuditEntry(ctx, e, logins));
    },
    async 'admin.auditSearch'({ actor, action, username, credentialId, passkeyId, from, to, offset, limit }) {
      const accountId = username === undefined ? undefined : (await findAccount(ctx, username)).accountId;
      const page = rp.admin.searchAudit({
        admin,
        ...(actor ? { actor } : {}),
        ...(action ? { action } : {}),
        ...(accountId === undefined ? {} : { accountId }),
        ...(credentialId === undefined ? {} : { credentialId }),
        ...(passkeyId === undefined ? {} : { passkeyId }),
        ...(from ? { from: Date.parse(from) } : {}),
        ...(to ? { to: Date.parse(to) } : {}),
        offset,
        limit,
      });
      const logins = new Map<number, string | null>();
      return { entries: page.entries.map((e) => toAuditEntry(ctx, e, logins)), total: page.total, offset: page.offset, limit: page.limit };
    },
    async 'admin.verifyAudit'() {
      const { ok, count, brokenAt, missing, problems } = await rp.admin.verifyAudit({ admin });
      return { ok, entries: count, firstBrokenSeq: brokenAt ?? null, missing: missing ?? 0, problems: problems ?? [] };
    },
  };
}
