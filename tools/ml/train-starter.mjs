#!/usr/bin/env node
// Runs tools/ml/train-starter.ts without a build step (the benchmarks' TypeScript loader).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
require('../bench/ts-loader.cjs').register();
require('./train-starter.ts');
