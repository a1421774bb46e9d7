import { liveEventsSuite } from '../testing/live-events.suite';

describe('live events gateway on SQLite', () => liveEventsSuite('sqlite'));
