import { createCipheriv, createDecipheriv, createHmac, hash } from 'node:crypto';
import { HarnessError } from '../../errors.js';
import { SESSION_BINDING_BYTES } from '../../store/repositories/sessions.js';
import { fromBase64url, toBase64url } from '../../webauthn/index.js';
import { setBounded } from '../../boundedMap.js';
import type { RpContext } from '../context.js';

/**
 * What a started ceremony must remember until its response comes back; `handle` is its label (below).
 * `epoch`: the account's ceremony epoch when it started (-1 when no account was known, a discoverable login).
 */
export interface Ceremony {
  handle: string;
  purpose: 'registration' | 'authentication';
  challenge: string;
  /** Registration: the session that asked. */
  sessionId: number | null;
  /**
   * Registration: that session's binding (repositories/sessions.ts), which its row ID alone does not
   * pin down (rowids are reused). Required to seal a registration; absent on a login.
   */
  sessionBinding?: Uint8Array;
  /** The account asked for (registration, or a username-first login of an existing account). */
  accountId: number | null;
  /** Username-first login: the login ID asked for (the account may not exist). Null when discoverable. */
  loginId: string | null;
  epoch: number;
  userVerification: string;
  algorithms: number[];
  createdAt: number;
  expiresAt: number;
}

/**
 * A started ceremony is not stored: its state travels in the handle the client sends back, sealed
 * with AES-256-GCM (synthetic IV) under keys derived from the per-database secret (so a second server on the same
 * file opens it too). Nobody without the key can read it (whether a login ID has an account must not
 * show, issue 11) or forge or alter one. Single use is kept where it matters: the finish writes the
 * label into `used_ceremonies` (UNIQUE) in the transaction that records the outcome, so a replay to
 * either server fails. Starting a ceremony therefore costs no database write (issue 15).
 */
/** 2: a registration carries its session's binding (version 1 handles, which do not, are no longer opened). */
const VERSION = 2;
const AAD = Buffer.from('passkey-harness/ceremony@1');
const PURPOSES: readonly Ceremony['purpose'][] = ['registration', 'authentication'];
const USER_VERIFICATION = ['required', 'preferred', 'discouraged'];
const IV_BYTES = 12;
/** Longest handle any ceremony seals to (a 64-character login ID of 4-byte characters included), with room to spare. */
export const MAX_CEREMONY_HANDLE = 1024;
const TAG_BYTES = 16;

/**
 * Two keys from the per-database secret: one encrypts, one makes the IV from the sealed bytes
 * (a synthetic IV, as in AES-GCM-SIV): a scenario world's seeded randomness, replayed under the same
 * secret, can then never put two different ceremonies under one IV — equal IVs mean equal handles.
 */
const keys = new WeakMap<Uint8Array, { encrypt: Buffer; iv: Buffer }>();
function keysOf(ctx: RpContext): { encrypt: Buffer; iv: Buffer } {
  let k = keys.get(ctx.secret);
  if (!k) {
    const derive = (label: string) => createHmac('sha256', ctx.secret).update(label).digest();
    keys.set(ctx.secret, (k = { encrypt: derive('passkey-harness/ceremony-handle@1'), iv: derive('passkey-harness/ceremony-handle-iv@1') }));
  }
  return k;
}

/** Writes into one buffer sized up front (a Buffer per field cost more than the encryption). */
class Writer {
  private at = 0;
  private readonly b: Buffer;
  constructor(size: number) {
    this.b = Buffer.allocUnsafe(size);
  }
  u8(v: number): void {
    this.at = this.b.writeUInt8(v, this.at);
  }
  f64(v: number): void {
    this.at = this.b.writeDoubleBE(v, this.at);
  }
  raw(v: Uint8Array): void {
    this.b.set(v, this.at);
    this.at += v.length;
  }
  text(v: string): void {
    const length = this.b.write(v, this.at + 2, 'utf8');
    this.b.writeUInt16BE(length, this.at);
    this.at += 2 + length;
  }
  bytes(): Buffer {
    return this.b.subarray(0, this.at);
  }
}

class Reader {
  private at = 0;
  constructor(private readonly b: Buffer) {}
  u8(): number {
    return this.b.readUInt8(this.at++);
  }
  f64(): number {
    const v = this.b.readDoubleBE(this.at);
    this.at += 8;
    return v;
  }
  raw(length: number): Uint8Array {
    const v = this.b.subarray(this.at, this.at + length);
    if (v.length !== length) throw new RangeError('truncated');
    this.at += length;
    return new Uint8Array(v);
  }
  text(): string {
    const len = this.b.readUInt16BE(this.at);
    const v = this.b.subarray(this.at + 2, this.at + 2 + len);
    if (v.length !== len) throw new RangeError('truncated');
    this.at += 2 + len;
    return v.toString('utf8');
  }
  end(): void {
    if (this.at !== this.b.length) throw new RangeError('trailing bytes');
  }
}

/**
 * How the audit log and the used-ceremony record name a handle: 22 base64url characters of its
 * SHA-256 (a sealed handle is ~150 characters and says nothing to a reader anyway).
 */
export function ceremonyLabel(handle: string): string {
  return hash('sha256', handle, 'base64url').slice(0, 22);
}

/** Numbers absent as -1 (fixed width either way: the sealed size must not say whether an account exists). */
const orNone = (v: number | null) => (v === null ? -1 : v);
const noneOr = (v: number) => (v === -1 ? null : v);

/** A registration is sealed with its session's binding (startRegistration has just read the session row). */
function sessionBindingOf(c: Omit<Ceremony, 'handle'>): Uint8Array {
  const binding = c.sessionBinding;
  if (!binding || binding.length !== SESSION_BINDING_BYTES) throw new HarnessError('AUTH_REQUIRED', 'session is unknown or has ended');
  return binding;
}

export function sealCeremony(ctx: RpContext, c: Omit<Ceremony, 'handle'>): string {
  const loginId = c.loginId ?? '';
  // Only a registration is bound to a session; a login's handle does not grow.
  const binding = c.purpose === 'registration' ? sessionBindingOf(c) : undefined;
  const w = new Writer(3 + 2 + Buffer.byteLength(c.challenge) + 5 * 8 + (binding?.length ?? 0) + 1 + 2 + Buffer.byteLength(loginId) + 1 + 8 * c.algorithms.length);
  w.u8(VERSION);
  w.u8(PURPOSES.indexOf(c.purpose));
  w.u8(USER_VERIFICATION.indexOf(c.userVerification));
  w.text(c.challenge);
  w.f64(c.createdAt);
  w.f64(c.expiresAt);
  w.f64(orNone(c.sessionId));
  if (binding) w.raw(binding);
  w.f64(orNone(c.accountId));
  w.f64(c.epoch);
  w.u8(c.loginId === null ? 0 : 1);
  w.text(loginId);
  w.u8(c.algorithms.length);
  for (const alg of c.algorithms) w.f64(alg);
  const plain = w.bytes();
  const { encrypt, iv: ivKey } = keysOf(ctx);
  const iv = createHmac('sha256', ivKey).update(plain).digest().subarray(0, IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', encrypt, iv);
  cipher.setAAD(AAD);
  const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return toBase64url(sealed);
}

/** The ceremony in `handle`, or undefined for anything this RP did not seal (altered, truncated, another database's). */
export function openSealedCeremony(ctx: RpContext, handle: unknown): Ceremony | undefined {
  if (typeof handle !== 'string' || handle.length > MAX_CEREMONY_HANDLE) return undefined;
  try {
    const sealed = Buffer.from(fromBase64url(handle, 'ceremonyId'));
    // One spelling per handle (fromBase64url refuses padding, '+/' and non-zero trailing bits): the
    // used-marker is keyed by the string's label, so a re-encoding must not pass as a new ceremony.
    if (sealed.length < IV_BYTES + TAG_BYTES + 1) return undefined;
    const decipher = createDecipheriv('aes-256-gcm', keysOf(ctx).encrypt, sealed.subarray(0, IV_BYTES));
    decipher.setAAD(AAD);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    const plain = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
    const r = new Reader(plain);
    if (r.u8() !== VERSION) return undefined;
    const purpose = PURPOSES[r.u8()];
    const userVerification = USER_VERIFICATION[r.u8()];
    const challenge = r.text();
    const createdAt = r.f64();
    const expiresAt = r.f64();
    const sessionId = noneOr(r.f64());
    const sessionBinding = purpose === 'registration' ? r.raw(SESSION_BINDING_BYTES) : undefined;
    const accountId = noneOr(r.f64());
    const epoch = r.f64();
    const hasLoginId = r.u8() === 1;
    const loginId = r.text();
    const algorithms = Array.from({ length: r.u8() }, () => r.f64());
    r.end();
    if (!purpose || !userVerification) return undefined;
    return { handle: ceremonyLabel(handle), purpose, userVerification, challenge, createdAt, expiresAt, sessionId, ...(sessionBinding ? { sessionBinding } : {}), accountId, epoch, loginId: hasLoginId ? loginId : null, algorithms };
  } catch {
    return undefined;
  }
}

/**
 * `finishRegistration` without a ceremonyId means "the registration this session started last": with
 * nothing stored at start, this process remembers that handle per session (bounded). A response sent
 * to another server on the same file must name its ceremonyId.
 */
const latestBySession = new WeakMap<object, Map<number, string>>();
const LATEST_MAX = 10_000;

export function rememberLatestRegistration(ctx: RpContext, sessionId: number, handle: string): void {
  let map = latestBySession.get(ctx.store);
  if (!map) latestBySession.set(ctx.store, (map = new Map()));
  setBounded(map, sessionId, handle, LATEST_MAX);
}

export function latestRegistration(ctx: RpContext, sessionId: number): string | undefined {
  return latestBySession.get(ctx.store)?.get(sessionId);
}
