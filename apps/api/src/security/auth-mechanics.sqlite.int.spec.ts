import { authMechanicsSuite } from './auth-mechanics.suite';

describe('auth mechanics on SQLite (embedded default)', () => authMechanicsSuite('sqlite'));
