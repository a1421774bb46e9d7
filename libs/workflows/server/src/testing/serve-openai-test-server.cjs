#!/usr/bin/env node
// The local OpenAI-compatible test server as a process, without a build step:
//   node libs/workflows/server/src/testing/serve-openai-test-server.cjs [--port 8089] [--latency 50]
'use strict';
require('../../../../../tools/bench/ts-loader.cjs').register();

require('./openai-test-server.main.ts')
  .main()
  .then((server) => {
    const stop = () => server.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  })
  .catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  });
