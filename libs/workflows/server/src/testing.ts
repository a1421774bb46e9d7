/** Test helpers of the workflows context (the local OpenAI-compatible server tests start). */
export { startOpenAiTestServer, type OpenAiTestServer, type OpenAiTestServerOptions } from './testing/openai-test-server';
export { main as serveOpenAiTestServer } from './testing/openai-test-server.main';
export { chunkText, countTokens, echoText, reply, type ChatCompletionBody, type RecordedRequest, type ReplyText, type ScriptedReply, type TestReply } from './testing/test-replies';
export { rolePlayWorkflowYaml, TEST_AGENTS, testAgentsYaml, type TestAgent } from './testing/test-configs';
