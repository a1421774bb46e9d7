import { modelsApiSuite } from '../testing/models-api.suite';

modelsApiSuite('postgres');
