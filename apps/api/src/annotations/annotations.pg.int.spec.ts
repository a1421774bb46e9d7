import { annotationsApiSuite } from '../testing/annotations-api.suite';

annotationsApiSuite('postgres');
