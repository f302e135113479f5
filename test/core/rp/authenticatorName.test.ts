import { describe, expect, it } from 'vitest';
import { authenticatorName, isKnownAuthenticator } from '../../../core/rp/account/authenticatorName.js';

describe('naming a passkey by its AAGUID', () => {
  it('a model in the table is known, in any case; an unknown or zero AAGUID is not (the customer sees just "passkey")', () => {
    expect([authenticatorName('FBFC3007-154E-4ECC-8C0B-6E020557D7BD'), isKnownAuthenticator('FBFC3007-154E-4ECC-8C0B-6E020557D7BD')]).toEqual(['iCloud Keychain', true]);
    expect([authenticatorName('5e1f0c2a-7b3d-4c8e-9a41-0d2c6b7e8f90'), isKnownAuthenticator('5e1f0c2a-7b3d-4c8e-9a41-0d2c6b7e8f90')]).toEqual(['Unknown authenticator', false]);
    expect([authenticatorName('00000000-0000-0000-0000-000000000000'), isKnownAuthenticator('00000000-0000-0000-0000-000000000000')]).toEqual(['Unknown (zero AAGUID)', false]);
    // Object keys are not AAGUIDs.
    expect(isKnownAuthenticator('constructor')).toBe(false);
  });
});
