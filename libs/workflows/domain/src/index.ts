export * from './lib/llm/chat';
