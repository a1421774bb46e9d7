import { authMechanicsSuite } from './auth-mechanics.suite';

describe('auth mechanics on PostgreSQL', () => authMechanicsSuite('postgres'));
