export * from './address-guard.js';
export * from './deliver.js';
export * from './dispatch.js';
export * from './mailer.js';
export * from './messages.js';
export * from './signing.js';
