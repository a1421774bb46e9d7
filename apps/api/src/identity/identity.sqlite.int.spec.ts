import { identityApiSuite } from '../testing/identity-api.suite';

describe('identity API on SQLite (embedded default)', () => identityApiSuite('sqlite'));
