import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  Equals,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
  IsNotEmpty,
  IsObject,
  ArrayMinSize,
  ValidateIf,
} from 'class-validator';

/**
 * The shape of `agents.yaml` and `workflows/*.yaml` (docs/configs.md). Keys are snake_case, as in
 * CAMEL's own configs; every property carries a decorator, so a key not declared here is refused
 * (whitelist + forbidNonWhitelisted), never silently dropped.
 */

export const CONFIG_VERSION = 1;
/** Names of agents, providers, workflows and steps: referable identifiers. */
export const IDENTIFIER = /^[a-z][a-z0-9_-]{0,63}$/;
const IDENTIFIER_MESSAGE = '$property must be a lower-case identifier (a-z, 0-9, _ and -, starting with a letter, at most 64)';
const ENV_NAME = /^[A-Z_][A-Z0-9_]{0,127}$/;
const PROMPT_MAX = 20_000;
/** A nested object must be a mapping: class-validator would validate a list of them item by item and accept it. */
const MAPPING = { message: '$property must be a mapping' };

export const PROVIDER_TYPES = ['openai', 'local'] as const;
export const WORKFLOW_TYPES = ['role_playing', 'pipeline'] as const;

export class ProviderConfig {
  @Matches(IDENTIFIER, { message: IDENTIFIER_MESSAGE })
  id!: string;

  /**
   * `openai`: any OpenAI-compatible chat completions API (OpenAI, vLLM, Ollama, the local model server);
   * `local`: the platform's own models (the model registry: built-ins such as `starter`, trained and
   * imported models), generated in this deployment — no base_url, no key.
   */
  @IsIn(PROVIDER_TYPES, { message: `$property must be one of: ${PROVIDER_TYPES.join(', ')}` })
  type!: (typeof PROVIDER_TYPES)[number];

  @ValidateIf((provider: ProviderConfig) => provider.type !== 'local')
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: '$property must be an http(s) URL' })
  base_url!: string;

  /** Name of the environment variable holding the key — never the key itself. */
  @IsOptional()
  @Matches(ENV_NAME, { message: '$property must be the NAME of an environment variable (A-Z, 0-9, _), not a key' })
  api_key_env?: string;
}

export class ModelConfig {
  @Matches(IDENTIFIER, { message: IDENTIFIER_MESSAGE })
  provider!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(2)
  temperature?: number;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  top_p?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  max_tokens?: number;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(8)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(200, { each: true })
  stop?: string[];
}

export class AgentConfig {
  @Matches(IDENTIFIER, { message: IDENTIFIER_MESSAGE })
  name!: string;

  /** The role as the other agents see it, e.g. "Python Programmer". */
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  role!: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(PROMPT_MAX)
  system_prompt!: string;

  @IsObject(MAPPING)
  @ValidateNested()
  @Type(() => ModelConfig)
  model!: ModelConfig;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @Matches(IDENTIFIER, { each: true, message: 'each tool must be a tool identifier' })
  tools?: string[];

  /** Messages of the conversation the agent keeps in context (all when absent). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  memory_window?: number;
}

export class AgentsFile {
  @Equals(CONFIG_VERSION, { message: `$property must be the number ${CONFIG_VERSION}` })
  version!: number;

  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ProviderConfig)
  providers!: ProviderConfig[];

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => AgentConfig)
  agents!: AgentConfig[];
}

export class TaskSpecifyConfig {
  @Matches(IDENTIFIER, { message: IDENTIFIER_MESSAGE })
  agent!: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  word_limit?: number;
}

class WorkflowBase {
  @Equals(CONFIG_VERSION, { message: `$property must be the number ${CONFIG_VERSION}` })
  version!: number;

  @Matches(IDENTIFIER, { message: IDENTIFIER_MESSAGE })
  name!: string;

  @IsIn(WORKFLOW_TYPES, { message: `$property must be one of: ${WORKFLOW_TYPES.join(', ')}` })
  type!: (typeof WORKFLOW_TYPES)[number];

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;
}

/** CAMEL role-playing: an assistant and a user agent converse on a task until a termination token or max_turns. */
export class RolePlayingWorkflow extends WorkflowBase {
  declare type: 'role_playing';

  @Matches(IDENTIFIER, { message: IDENTIFIER_MESSAGE })
  assistant!: string;

  @Matches(IDENTIFIER, { message: IDENTIFIER_MESSAGE })
  user!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(PROMPT_MAX)
  task_prompt!: string;

  @IsOptional()
  @IsObject(MAPPING)
  @ValidateNested()
  @Type(() => TaskSpecifyConfig)
  task_specify?: TaskSpecifyConfig;

  @IsOptional()
  @Matches(IDENTIFIER, { message: IDENTIFIER_MESSAGE })
  critic?: string;

  @IsInt()
  @Min(1)
  @Max(1000)
  max_turns!: number;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(16)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  termination_tokens?: string[];
}

export class PipelineStep {
  @Matches(IDENTIFIER, { message: IDENTIFIER_MESSAGE })
  id!: string;

  @Matches(IDENTIFIER, { message: IDENTIFIER_MESSAGE })
  agent!: string;

  /**
   * Template of the step's input: `{{task}}`, `{{steps.<id>.output}}` (an earlier step, or any step
   * of the previous iteration), `{{previous.output}}` (the step just before), `{{iteration}}`.
   */
  @IsString()
  @IsNotEmpty()
  @MaxLength(PROMPT_MAX)
  input!: string;
}

export class StopCondition {
  /** The step whose output is tested after each iteration. */
  @Matches(IDENTIFIER, { message: IDENTIFIER_MESSAGE })
  step!: string;

  /** Stop when that output contains this text. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  contains!: string;
}

/** An ordered list of agent steps, repeated up to max_iterations until the stop condition holds. */
export class PipelineWorkflow extends WorkflowBase {
  declare type: 'pipeline';

  @IsString()
  @IsNotEmpty()
  @MaxLength(PROMPT_MAX)
  task_prompt!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => PipelineStep)
  steps!: PipelineStep[];

  @IsInt()
  @Min(1)
  @Max(100)
  max_iterations!: number;

  @IsOptional()
  @IsObject(MAPPING)
  @ValidateNested()
  @Type(() => StopCondition)
  stop?: StopCondition;
}

export type WorkflowFile = RolePlayingWorkflow | PipelineWorkflow;
