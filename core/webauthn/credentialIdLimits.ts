/** WebAuthn §5.1: a credential ID is at most 1023 bytes. */
export const MAX_CREDENTIAL_ID_BYTES = 1023;

/** The most unpadded base64url characters such an ID takes (4 per 3 bytes, rounded up): 1364. Browser-safe. */
export const MAX_CREDENTIAL_ID_CHARS = Math.ceil((MAX_CREDENTIAL_ID_BYTES * 4) / 3);
