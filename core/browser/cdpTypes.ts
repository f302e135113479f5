/**
 * The slice of the Chrome DevTools Protocol WebAuthn domain the harness speaks. One `send`
 * function is all it needs, so the same builders drive a playwright CDPSession, Electron's
 * `webContents.debugger.sendCommand`, or a fake in unit tests.
 */
export type CdpSend = (method: string, params?: Record<string, unknown>) => Promise<unknown>;

/** `WebAuthn.VirtualAuthenticatorOptions`. */
export interface CdpVirtualAuthenticatorOptions {
  protocol: 'ctap2' | 'u2f';
  ctap2Version?: 'ctap2_0' | 'ctap2_1';
  transport: 'usb' | 'nfc' | 'ble' | 'cable' | 'internal';
  hasResidentKey: boolean;
  hasUserVerification: boolean;
  isUserVerified: boolean;
  automaticPresenceSimulation: boolean;
  defaultBackupEligibility: boolean;
  defaultBackupState: boolean;
}

/** `WebAuthn.Credential`: binary fields are standard base64 (CDP's `binary` type), not base64url. */
export interface CdpCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId?: string;
  /** PKCS#8, base64. */
  privateKey: string;
  userHandle?: string;
  signCount: number;
  backupEligibility?: boolean;
  backupState?: boolean;
  userName?: string;
  userDisplayName?: string;
}
