export * from './lib/users/user.decider';
export * from './lib/users/user-id';
export * from './lib/users/password-policy';
export * from './lib/sessions/session.decider';
export * from './lib/sessions/refresh-token.decider';
export * from './lib/api-keys/api-key.decider';
