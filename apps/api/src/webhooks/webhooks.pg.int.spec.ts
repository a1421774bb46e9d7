import { webhooksApiSuite } from '../testing/webhooks-api.suite';

webhooksApiSuite('postgres');
