/** Injection tokens for what the server processes share. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const CLOCK = Symbol('CLOCK');
export const ID_GENERATOR = Symbol('ID_GENERATOR');
export const PROJECTION_RUNNER = Symbol('PROJECTION_RUNNER');
export const PROJECTIONS = Symbol('PROJECTIONS');

export type IdGenerator = () => string;
