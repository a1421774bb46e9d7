import { runsApiSuite } from '../testing/runs-api.suite';

runsApiSuite('sqlite');
