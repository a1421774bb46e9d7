import { parallelSignInSuite } from '../testing/parallel-sign-in.suite';

describe('50 simultaneous sign-ins of new users on PostgreSQL', () => parallelSignInSuite('postgres'));
