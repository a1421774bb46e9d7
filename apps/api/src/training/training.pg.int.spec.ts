import { trainingApiSuite } from '../testing/training-api.suite';

// PostgreSQL without REDIS_URL: the api's in-process training queue, on the production database engine.
trainingApiSuite('postgres');
