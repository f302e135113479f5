import type { CommandContext } from '../context.js';
import { keyValues, printData, table } from '../output.js';
import { oneLine, visible } from '../../core/terminalText.js';
import type { UserDetail, UserSummary } from '../../core/harness/types.js';

const userLine = (u: UserSummary) => keyValues({ ...u, emails: u.emails });

export async function create(ctx: CommandContext, username: string, opts: { password: string; displayName?: string; email?: string[] }) {
  const api = await ctx.harness();
  const user = await api['users.create']({ username, password: opts.password, displayName: opts.displayName, emails: opts.email ?? [`${username}@example.test`] });
  printData(ctx.io, user, userLine);
}

export async function list(ctx: CommandContext, opts: { query?: string }) {
  const users = await (await ctx.harness())['users.list']({ query: opts.query });
  printData(ctx.io, users, (rows) => table(rows as unknown as Record<string, unknown>[], ['username', 'displayName', 'emails', 'locked', 'lockedUntil', 'otpEnrolled', 'passkeyCount']));
}

export async function show(ctx: CommandContext, username: string) {
  const user = await (await ctx.harness())['users.show']({ username });
  printData(ctx.io, user, (u: UserDetail) =>
    [
      userLine(u),
      '',
      'パスワード関連 (登録情報照会):',
      table(u.registrationInfo as unknown as Record<string, unknown>[], ['key', 'label', 'status', 'actions']),
      '',
      'Passkeys:',
      table(u.passkeys as unknown as Record<string, unknown>[], ['credentialId', 'name', 'signCount', 'backupState', 'createdAt', 'revokedAt']),
    ].join('\n'),
  );
}

export async function lock(ctx: CommandContext, username: string, opts: { reason: string; ticket?: string }) {
  printData(ctx.io, await (await ctx.harness())['users.lock']({ username, reason: opts.reason, ticket: opts.ticket }), userLine);
}

export async function unlock(ctx: CommandContext, username: string, opts: { reason: string; ticket?: string }) {
  printData(ctx.io, await (await ctx.harness())['users.unlock']({ username, reason: opts.reason, ticket: opts.ticket }), userLine);
}

export async function otpEnroll(ctx: CommandContext, username: string, opts: { qr: boolean }) {
  const result = await (await ctx.harness())['otp.enroll']({ username });
  if (ctx.io.json) return printData(ctx.io, result, () => '');
  ctx.io.stdout.write(`${visible(result.uri)}\n`);
  if (opts.qr) {
    const { default: qrcode } = await import('qrcode-terminal');
    const drawing = await new Promise<string>((resolve) => qrcode.generate(result.uri, { small: true }, resolve));
    ctx.io.stderr.write(`${drawing}\nsecret: ${result.secret}\n`);
  }
}

export async function mailboxList(ctx: CommandContext, opts: { to?: string; limit?: string }) {
  const messages = await (await ctx.harness())['mailbox.list']({ to: opts.to, limit: opts.limit === undefined ? undefined : Number(opts.limit) });
  printData(ctx.io, messages, (rows) => table(rows as unknown as Record<string, unknown>[], ['id', 'sentAt', 'to', 'subject']));
}

export async function mailboxShow(ctx: CommandContext, id: string) {
  const m = await (await ctx.harness())['mailbox.show']({ id });
  printData(ctx.io, m, (x) => `From: passkey-harness\nTo: ${oneLine(x.to)}\nDate: ${x.sentAt}\nSubject: ${oneLine(x.subject)}\n\n${x.text}`);
}
