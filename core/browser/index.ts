export type { CdpCredential, CdpSend, CdpVirtualAuthenticatorOptions } from './cdpTypes.js';
export { cdpTransport, fromBase64, toBase64, toCdpCredential, virtualAuthenticatorOptions } from './cdpCommands.js';
export { CDP_AAGUID, describeCdpLimits, type CdpLimit } from './describeCdpLimits.js';
export { importCdpCredentials, publicKeyOf, type ImportCdpCredentialsResult } from './importCdpCredentials.js';
export { loadVirtualAuthenticator, type LoadVirtualAuthenticatorResult } from './loadVirtualAuthenticator.js';
export { syncVirtualAuthenticator } from './syncVirtualAuthenticator.js';
export { installShim, type ShimCeremony } from './installShim.js';
export { SHIM_BINDING, shimScript } from './shimScript.js';
export { CHROMIUM_ARGS, DEFAULT_CHROMIUM_PATH, openBrowser, type BrowseMode, type BrowserSession } from './openBrowser.js';
