export type * from './mailer.js';
export * from './outboxMailer.js';
export * from './smtpMailer.js';
export * from './listOutbox.js';
