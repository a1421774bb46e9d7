/** Test helpers of the workflows context (the local OpenAI-compatible server tests start). */
export {};
