/// <reference types="vite/client" />

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

/** The Electron preload's bridges, typed once from core's channel maps; both absent in browser mode. */
interface Window {
  /** One function per harness channel, each resolving to main's `{ ok, value } | { ok: false, error }` reply. */
  harness?: import('../core/harness/desktopChannels.js').HarnessBridge;
  /** One function per desktop channel, plus `on(event, listener)` for main's events. */
  harnessDesktop?: import('../core/harness/desktopChannels.js').DesktopBridge;
}
