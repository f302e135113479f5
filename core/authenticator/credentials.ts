import { toBase64url, type COSEAlg } from '../webauthn/index.js';

/** One credential as the authenticator keeps it. The private key is PKCS#8 DER. */
export interface StoredCredential {
  id: Uint8Array;
  rpId: string;
  /** user.id from the RP (present for discoverable credentials; kept for all). */
  userHandle: Uint8Array | null;
  userName: string | null;
  userDisplayName: string | null;
  alg: COSEAlg;
  privateKey: Uint8Array;
  /** COSE_Key bytes, exactly as sent in authData. */
  publicKey: Uint8Array;
  signCount: number;
  /**
   * The count of this credential's last ceremony the RP accepted (what the server stored); null or
   * absent when unknown. Only `markAccepted` moves it, so a failed ceremony leaves it alone.
   */
  acceptedSignCount?: number | null;
  discoverable: boolean;
  createdAt: number;
  lastUsedAt: number | null;
}

/** Synchronous on purpose: the in-memory map and better-sqlite3 both are. */
export interface CredentialStore {
  list(filter?: { rpId?: string }): StoredCredential[];
  get(id: Uint8Array): StoredCredential | undefined;
  /** Insert, or replace the credential with the same id. */
  put(credential: StoredCredential): void;
  delete(id: Uint8Array): void;
  updateUsage(id: Uint8Array, usage: { signCount: number; lastUsedAt: number }): void;
  /** The RP accepted a ceremony with this count (the client learns it from the RP's answer). */
  markAccepted(id: Uint8Array, signCount: number): void;
}

export function memoryCredentialStore(initial: readonly StoredCredential[] = []): CredentialStore {
  const byId = new Map<string, StoredCredential>();
  for (const credential of initial) byId.set(toBase64url(credential.id), { ...credential });
  return {
    list(filter) {
      const all = [...byId.values()];
      return filter?.rpId === undefined ? all : all.filter((c) => c.rpId === filter.rpId);
    },
    get: (id) => byId.get(toBase64url(id)),
    put: (credential) => void byId.set(toBase64url(credential.id), { ...credential }),
    delete: (id) => void byId.delete(toBase64url(id)),
    updateUsage(id, usage) {
      const found = byId.get(toBase64url(id));
      if (found) Object.assign(found, usage);
    },
    markAccepted(id, signCount) {
      const found = byId.get(toBase64url(id));
      if (found) found.acceptedSignCount = signCount;
    },
  };
}
