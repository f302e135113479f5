/** `yamada@example.test` → `y*****@example.test`: enough for the customer to recognise their address, not for a shoulder-surfer. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '***';
  const local = address.slice(0, at);
  return `${local.slice(0, 1)}${'*'.repeat(Math.max(2, local.length - 1))}${address.slice(at)}`;
}
