import { modelsApiSuite } from '../testing/models-api.suite';

modelsApiSuite('sqlite');
