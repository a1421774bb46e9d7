import { configsApiSuite } from '../testing/configs-api.suite';

configsApiSuite('postgres');
