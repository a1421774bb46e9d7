import { identityApiSuite } from '../testing/identity-api.suite';

describe('identity API on PostgreSQL', () => identityApiSuite('postgres'));
