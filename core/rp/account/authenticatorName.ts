/** A small table of AAGUIDs the support screens name (from the community passkey-authenticator-aaguids list). */
const NAMES: Record<string, string> = {
  'fbfc3007-154e-4ecc-8c0b-6e020557d7bd': 'iCloud Keychain',
  'dd4ec289-e01d-41c9-bb89-70fa845d4bf2': 'iCloud Keychain (Managed)',
  'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4': 'Google Password Manager',
  'adce0002-35bc-c60a-648b-0b25f1f05503': 'Chrome on Mac',
  '08987058-cadc-4b81-b6e1-30de50dcbe96': 'Windows Hello',
  '9ddd1817-af5a-4672-a2b9-3e3dd95000a9': 'Windows Hello',
  '6028b017-b1d4-4c02-b4b3-afcdafc96bb2': 'Windows Hello',
  'cb69481e-8ff7-4039-93ec-0a2729a154a8': 'YubiKey 5 Series',
  'ee882879-721c-4913-9775-3dfcce97072a': 'YubiKey 5 Series',
  'fa2b99dc-9e39-4257-8f92-4a30d23c4118': 'YubiKey 5 Series with NFC',
  'bada5566-a7aa-401f-bd96-45619a55120d': '1Password',
  'd548826e-79b4-db40-a3d8-11116f7e8349': 'Bitwarden',
  '53414d53-554e-4700-0000-000000000000': 'Samsung Pass',
  '00000000-0000-0000-0000-000000000000': 'Unknown (zero AAGUID)',
};

const ZERO_AAGUID = '00000000-0000-0000-0000-000000000000';

/** The model name support sees for a passkey; AAGUIDs not in the table are "Unknown authenticator". */
export function authenticatorName(aaguid: string): string {
  return NAMES[aaguid.toLowerCase()] ?? 'Unknown authenticator';
}

/** Whether the table names the passkey's model: a zero AAGUID names none (the provider did not say which it is). */
export function isKnownAuthenticator(aaguid: string): boolean {
  const id = aaguid.toLowerCase();
  return id !== ZERO_AAGUID && Object.hasOwn(NAMES, id);
}
