import { projectsApiSuite } from '../testing/projects-api.suite';

describe('projects API on SQLite (embedded default)', () => projectsApiSuite('sqlite'));
