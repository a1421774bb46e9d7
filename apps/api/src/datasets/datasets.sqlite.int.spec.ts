import { datasetsApiSuite } from '../testing/datasets-api.suite';

datasetsApiSuite('sqlite');
