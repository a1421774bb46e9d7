import { trainingApiSuite } from '../testing/training-api.suite';

// The embedded default: the api's in-process training queue forks the training processes.
trainingApiSuite('sqlite');
