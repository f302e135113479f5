export { createHttpServer, type HttpServer, type HttpServerOptions, type ListeningServer } from './createHttpServer.js';
export { CSRF_HEADER } from './csrf.js';
export { statusForCode, toErrorReply } from './errorResponse.js';
export { routes, type RouteDef } from './routes.js';
export { CUSTOMER_COOKIE, SLOT_HEADER, cookieNameFor } from './sessionCookie.js';
export { defaultStaticDir } from './serveStatic.js';
export { pickFreePort } from './pickFreePort.js';
export type { RateLimitRule } from './rateLimit.js';
export type { HttpHarnessCaller, HttpHarnessMount, HttpRp, StepUpPurpose } from './types.js';
