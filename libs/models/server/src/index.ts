// The model registry's server wiring: model folders on disk, the registry read model, the local
// provider's model host, and OpenAI-compatible serving (/v1). See docs/training.md.
export * from './lib/model-catalog';
