/**
 * A certificate as PEM: base64 in lines of 64, no empty line. @peculiar/x509 (which walks every
 * chain for @simplewebauthn/server) cannot parse a PEM with an empty line, and appending "\n" after
 * every 64th character made one whenever the base64 length was a multiple of 64 (a DER length that
 * is a multiple of 48): such a genuine certificate never reached its root.
 */
export function certificatePem(der: Uint8Array | string): string {
  const b64 = typeof der === 'string' ? der : Buffer.from(der).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${(b64.match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`;
}
