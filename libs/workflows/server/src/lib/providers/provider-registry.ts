import type { ProviderConfig, ValidConfigSet, WorkflowFile } from '@camel/configs';
import { localModelReferences, ProviderError, type ChatProvider, type LocalModelResolution } from '@camel/workflows';
import type { RunPlan } from '@camel/contracts';
import { createProviderGuard, OpenAiChatProvider, type ProviderGuard } from './openai-chat-provider';
import { preflight, type PreflightProblem } from './preflight';
import { SILENT_LOGGER, type ProviderLogger } from './provider-logger';
import { providerSettingsFromEnv, type ProviderSettings } from './provider-settings';

export interface ProviderRegistryOptions {
  /** Where keys are read (on every call); `process.env` by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Settings of every provider; from the `LLM_*` variables of `env` by default. */
  readonly settings?: ProviderSettings;
  /** Per-provider overrides (tests, or a slow endpoint that needs a longer timeout). */
  readonly settingsFor?: (providerId: string) => Partial<ProviderSettings>;
  readonly log?: ProviderLogger;
  /** The platform's own models (`type: local`), when this process has them (the model registry's host). */
  readonly local?: LocalModels;
}

/**
 * The platform's own models behind `type: local` providers, implemented by the model registry
 * (libs/models/server): a model name resolves in the run's project.
 */
export interface LocalModels {
  provider(providerId: string, projectId: string): ChatProvider;
  /** The id of the project's model (built-ins included, archived not) a name, id or tag names; null when none. */
  resolve(projectId: string, reference: string): Promise<string | null>;
}

/** Nest token of the LocalModels a process provides (optional: without it `type: local` is not configured). */
export const LOCAL_MODELS = Symbol('LOCAL_MODELS');

/** The providers a run can call, by the ids of its pinned config set. */
export interface ProviderSet {
  get(providerId: string): ChatProvider;
}

/**
 * Builds chat providers from a config set's `providers:` and the environment. One per process: the
 * breaker and concurrency cap of an endpoint — (provider id, base_url) — are shared by every run
 * and config version that uses it, so the cap holds for the process and one breaker sees all of
 * the endpoint's failures.
 */
export class ProviderRegistry {
  private readonly env: Readonly<Record<string, string | undefined>>;
  private readonly settings: ProviderSettings;
  private readonly log: ProviderLogger;
  private readonly guards = new Map<string, ProviderGuard>();
  private readonly providers = new Map<string, OpenAiChatProvider>();

  constructor(private readonly options: ProviderRegistryOptions = {}) {
    this.env = options.env ?? process.env;
    this.settings = options.settings ?? providerSettingsFromEnv(this.env);
    this.log = options.log ?? SILENT_LOGGER;
  }

  /** `projectId`: the project whose models a `type: local` provider uses. */
  provider(config: ProviderConfig, projectId?: string): ChatProvider {
    switch (config.type) {
      case 'openai':
        return this.openAi(config);
      case 'local':
        if (!this.options.local) throw new ProviderError('not_configured', `provider ${config.id}: local models are not available in this process`);
        if (!projectId) throw new ProviderError('not_configured', `provider ${config.id}: local models are resolved in a project, and none was given`);
        return this.options.local.provider(config.id, projectId);
      default: {
        const never: never = config.type;
        throw new ProviderError('not_configured', `provider ${config.id}: type "${String(never)}" is not supported`);
      }
    }
  }

  providersOf(configSet: ValidConfigSet, projectId?: string): ProviderSet {
    return {
      get: (providerId) => {
        const config = configSet.agents.providers.find((candidate) => candidate.id === providerId);
        if (!config) throw new ProviderError('not_configured', `provider ${providerId}: not in agents.yaml`);
        return this.provider(config, projectId);
      },
    };
  }

  /** Everything missing before `workflow` can start (empty when it can). */
  preflight(configSet: ValidConfigSet, workflow: WorkflowFile): PreflightProblem[] {
    return preflight(configSet, workflow, this.env);
  }

  /**
   * What the plan's `type: local` agents' models resolve to in the project (a run pins it at start);
   * every reference null when this process has no local models.
   */
  async localModels(configSet: ValidConfigSet, plan: RunPlan, projectId: string): Promise<LocalModelResolution> {
    const references = localModelReferences(configSet, plan);
    const local = this.options.local;
    const ids = await Promise.all(references.map((reference) => (local ? local.resolve(projectId, reference) : null)));
    return Object.fromEntries(references.map((reference, i) => [reference, ids[i]]));
  }

  /** Nest calls this at shutdown. */
  onModuleDestroy(): void {
    this.close();
  }

  /** Ends every breaker's timers. */
  close(): void {
    for (const guard of this.guards.values()) guard.circuit.shutdown();
    this.guards.clear();
    this.providers.clear();
  }

  private openAi(config: ProviderConfig): ChatProvider {
    const endpoint = `${config.id}\u0000${config.base_url}`;
    const key = `${endpoint}\u0000${config.api_key_env ?? ''}`;
    const existing = this.providers.get(key);
    if (existing) return existing;
    const settings = { ...this.settings, ...this.options.settingsFor?.(config.id) };
    let guard = this.guards.get(endpoint);
    if (!guard) {
      guard = createProviderGuard(config.id, settings, this.log);
      this.guards.set(endpoint, guard);
    }
    const provider = new OpenAiChatProvider({ id: config.id, baseUrl: config.base_url, apiKeyEnv: config.api_key_env, env: this.env, settings, guard, log: this.log });
    this.providers.set(key, provider);
    return provider;
  }
}
