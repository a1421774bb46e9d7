import { projectsApiSuite } from '../testing/projects-api.suite';

describe('projects API on PostgreSQL', () => projectsApiSuite('postgres'));
