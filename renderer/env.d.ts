/// <reference types="vite/client" />

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

interface Window {
  /** Set by electron/preload.ts: one function per harness channel, each resolving to a reply. */
  harness?: Readonly<Record<string, (input?: unknown) => Promise<unknown>>>;
}
