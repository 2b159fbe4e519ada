import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  Allow,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  Min,
  ValidateNested,
} from 'class-validator';
import { ON_INVALID_OUTPUT_ACTIONS } from '../routing-table.types';
import { LedgerPolicyDto } from './ledger-policy.dto';
import { RetryDto } from './retry.dto';
import { TaskCacheDto } from './task-cache.dto';
import { TaskBudgetDto } from './task-budget.dto';

export class TaskDto {
  // A "provider/model" or a weighted list of them: checked by readPrimary, arm by arm.
  @IsDefined({ message: 'is required' })
  primary!: unknown;

  // Entries are checked one by one afterwards, so each bad one gets its own indexed path.
  @IsOptional()
  @IsArray({ message: 'must be a list of "provider/model" strings' })
  fallbacks?: unknown[];

  @IsOptional()
  @IsArray({ message: 'must be a list of capabilities' })
  requires?: unknown[];

  @IsOptional()
  @IsObject({ message: 'must be a mapping' })
  @ValidateNested({ message: 'must be a mapping' })
  @Type(() => TaskBudgetDto)
  budget?: TaskBudgetDto;

  @IsOptional()
  @IsIn(ON_INVALID_OUTPUT_ACTIONS, {
    message: `must be one of ${ON_INVALID_OUTPUT_ACTIONS.join(', ')}`,
  })
  on_invalid_output?: string;

  @IsOptional()
  @IsObject({ message: 'must be a mapping' })
  @ValidateNested({ message: 'must be a mapping' })
  @Type(() => RetryDto)
  retry?: RetryDto;

  @IsOptional()
  @IsInt({ message: 'must be a whole number of tokens' })
  @Min(1, { message: 'must be at least 1' })
  max_tokens?: number;

  @IsOptional()
  @IsObject({ message: 'must be a mapping' })
  @ValidateNested({ message: 'must be a mapping' })
  @Type(() => LedgerPolicyDto)
  ledger?: LedgerPolicyDto;

  @IsOptional()
  @IsObject({ message: 'must be a mapping such as { ttl_s: 3600 }' })
  @ValidateNested({ message: 'must be a mapping such as { ttl_s: 3600 }' })
  @Type(() => TaskCacheDto)
  cache?: TaskCacheDto;

  // Checked by readRuleEntries, which reports each condition and action at its own path.
  @IsOptional()
  @IsArray({ message: 'must be a list of rules' })
  rules?: unknown[];

  // Checked key by key in validation/eval-schedule.ts, so each problem gets its own path.
  @Allow()
  evals?: unknown;
}
