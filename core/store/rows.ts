/** Row shapes the repositories return: camelCase, times in epoch ms, bytes as Uint8Array. */
export interface AccountRow {
  id: number;
  loginId: string;
  userHandle: Uint8Array;
  passwordHash: string;
  tradingPasswordHash: string;
  displayName: string;
  /** Locked by an operator (lockAccount): only an operator unlocks it. */
  locked: boolean;
  /** Consecutive wrong passwords (throttling and the timed lock grow with it; a success resets it). */
  failedLogins: number;
  failedStepUps: number;
  /** Password login refused until this time (epoch ms; 0 = not throttled): the timed lock, never permanent. */
  lockedUntil: number;
  /** Moves when an operator ends the account's open ceremonies; a ceremony sealed under an older value is void. */
  ceremonyEpoch: number;
  createdAt: number;
}

export interface EmailRow {
  id: number;
  accountId: number;
  address: string;
}

export interface OtpRow {
  accountId: number;
  secret: string;
  status: 'pending' | 'active';
  lastUsedStep: number;
  createdAt: number;
}

export interface SessionRow {
  id: number;
  tokenHash: string;
  accountId: number;
  createdAt: number;
  lastSeenAt: number;
  stepUpAt: number | null;
  stepUpMethod: string | null;
  stepUpPurpose: string | null;
  /**
   * 16 bytes that name this session and no other, ever (repositories/sessions.ts): row IDs come back
   * after a logout and `createdAt` repeats within a millisecond, so a registration ceremony is bound to this.
   */
  binding: Uint8Array;
}

export interface StepUpCodeRow {
  id: number;
  sessionId: number;
  accountId: number;
  emailId: number;
  purpose: string;
  salt: Uint8Array;
  codeHash: Uint8Array;
  createdAt: number;
  expiresAt: number;
  tries: number;
  usedAt: number | null;
  voidedAt: number | null;
}

export interface PasskeyRow {
  id: number;
  accountId: number;
  credentialId: string;
  publicKey: Uint8Array;
  alg: number;
  name: string;
  aaguid: string;
  transports: string[];
  backupEligible: boolean;
  backupState: boolean;
  userVerified: boolean;
  counter: number;
  fmt: string;
  /** The RP's attestation decision at registration (JSON; core/rp/attestation PasskeyAttestation), null for older rows. */
  attestation: unknown;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
  revokeReason: string | null;
  revokeTicket: string | null;
}

export interface AdminRow {
  id: number;
  name: string;
  role: 'viewer' | 'operator';
  createdAt: number;
}

export interface AuditRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  outcome: string;
  code: string | null;
  accountId: number | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface OutboxRow {
  id: number;
  to: string;
  subject: string;
  text: string;
  transport: string;
  createdAt: number;
}
