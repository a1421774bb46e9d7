// Entry of the benchmark's child processes: registers the on-the-fly TypeScript loader, then loads
// the module named on the command line (api-process.ts or client-process.ts), which runs itself.
'use strict';

const path = require('node:path');

require('../ts-loader.cjs').register();
require(path.resolve(process.argv[2]));
