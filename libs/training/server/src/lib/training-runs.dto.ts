import {
  DPO_LOSS_TYPES,
  LORA_TARGETS,
  TRAINING_DEFAULTS,
  TRAINING_METHODS,
  type DpoLossType,
  type LaunchTrainingRunRequest,
  type LoraSettings,
  type LoraTarget,
  type TrainingHyperparameters,
  type TrainingMethod,
} from '@camel/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, ValidateNested } from 'class-validator';

// Types and shapes here; the ranges are the domain's (validLaunch), which names the field it refuses.

export class LoraSettingsDto implements LoraSettings {
  @ApiProperty({ minimum: 1, maximum: 256, example: 8 })
  @IsInt()
  rank!: number;

  @ApiProperty({ minimum: 0, example: 16, description: 'The update is scaled by alpha / rank (default 2 × rank)' })
  @IsOptional()
  @IsNumber()
  alpha!: number;

  @ApiProperty({ enum: LORA_TARGETS, isArray: true, example: ['q_proj', 'v_proj'], description: 'Default q_proj, v_proj' })
  @IsOptional()
  @IsArray()
  @IsIn(LORA_TARGETS, { each: true })
  targets!: LoraTarget[];
}

const d = TRAINING_DEFAULTS;

export class TrainingHyperparametersDto implements Partial<TrainingHyperparameters> {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: d.epochs }) @IsOptional() @IsInt() epochs?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 256, default: d.batchSize }) @IsOptional() @IsInt() batchSize?: number;
  @ApiPropertyOptional({ minimum: 0, default: d.microBatch, description: 'Gradient accumulation: pairs per forward/backward pass, at most batchSize; 0 = the whole batch at once' })
  @IsOptional()
  @IsInt()
  microBatch?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 1, description: '(0, 1]', default: d.learningRate }) @IsOptional() @IsNumber() learningRate?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 1, default: d.weightDecay }) @IsOptional() @IsNumber() weightDecay?: number;
  @ApiPropertyOptional({ minimum: 0, default: d.warmupSteps }) @IsOptional() @IsInt() warmupSteps?: number;
  @ApiPropertyOptional({ minimum: 8, maximum: 4096, default: d.maxLength, description: 'Prompt + completion tokens kept (prompts lose their start)' }) @IsOptional() @IsInt() maxLength?: number;
  @ApiPropertyOptional({ minimum: 1, default: d.checkpointEvery }) @IsOptional() @IsInt() checkpointEvery?: number;
  @ApiPropertyOptional({ minimum: 0, default: d.beta, description: 'DPO only; > 0' }) @IsOptional() @IsNumber() beta?: number;
  @ApiPropertyOptional({ enum: DPO_LOSS_TYPES, default: d.lossType }) @IsOptional() @IsIn(DPO_LOSS_TYPES) lossType?: DpoLossType;
  @ApiPropertyOptional({ minimum: 0, maximum: 0.5, default: d.labelSmoothing, description: '`robust` only; [0, 0.5)' }) @IsOptional() @IsNumber() labelSmoothing?: number;
  @ApiPropertyOptional({ minimum: 0, default: d.rpoAlpha, description: 'Weight of an SFT term on the chosen replies (TRL rpo_alpha)' }) @IsOptional() @IsNumber() rpoAlpha?: number;
  @ApiPropertyOptional({ default: d.precomputeReference, description: 'DPO: reference log-probs computed once before training' }) @IsOptional() @IsBoolean() precomputeReference?: boolean;
}

export class LaunchTrainingRunDto implements LaunchTrainingRunRequest {
  @ApiProperty({ example: 'support-dpo-1', description: 'The model it registers: lower-case letters, digits, . _ -; unique among the project’s active models' })
  @IsString()
  modelName!: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  description?: string;

  @ApiProperty({ format: 'uuid' })
  @IsString()
  datasetId!: string;

  @ApiProperty({ minimum: 1 })
  @IsInt()
  datasetVersion!: number;

  @ApiProperty({ example: 'starter', description: 'A registry model id or name (built-ins included)' })
  @IsString()
  baseModel!: string;

  @ApiProperty({ enum: TRAINING_METHODS })
  @IsIn(TRAINING_METHODS)
  method!: TrainingMethod;

  @ApiPropertyOptional({ type: LoraSettingsDto, description: 'Absent: a full fine-tune' })
  @IsOptional()
  @ValidateNested()
  @Type(() => LoraSettingsDto)
  lora?: LoraSettingsDto;

  @ApiPropertyOptional({ type: TrainingHyperparametersDto, description: 'Every field defaults (TRAINING_DEFAULTS)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => TrainingHyperparametersDto)
  hyperparameters?: TrainingHyperparametersDto;

  @ApiPropertyOptional({ minimum: 0, maximum: 4294967295, default: 42, description: 'Shuffling and LoRA initialization: the same seed gives the same weights' })
  @IsOptional()
  @IsInt()
  seed?: number;
}
