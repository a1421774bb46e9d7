import { liveAccessSuite } from '../testing/live-access.suite';

describe('live events access control on SQLite', () => liveAccessSuite('sqlite'));
