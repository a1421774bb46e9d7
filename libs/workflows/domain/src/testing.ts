/** Test helpers of the workflows domain: a scripted run (the worker's loop without a worker) and the sample configs. */
export { RunDriver, chatResult, messagesText, type ScriptedModel, type ScriptedReply } from './lib/testing/run-driver';
export { configSet, configWith, sampleFiles, STARTER } from './lib/testing/sample-config';
