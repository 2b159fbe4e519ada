import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { compileBodyShape, type BodyShape } from '../../http/body-shape';
import {
  custom,
  isHttpUrl,
  isInt,
  isNotEmpty,
  isString,
  max,
  maxLength,
  min,
} from '../../http/field-checks';
import type { CandidatesSpec } from '../eval-run-plan';

const MAX_CANDIDATES = 20;

/** `candidates` is "all", "primary" or a list of provider/model. */
export function candidatesProblem(value: unknown): string | null {
  if (value === 'all' || value === 'primary') return null;
  const expected = 'must be "all", "primary" or a list of "provider/model"';
  if (!Array.isArray(value) || value.length === 0) return expected;
  if (value.length > MAX_CANDIDATES) return `must list at most ${MAX_CANDIDATES} candidates`;
  const bad = value.findIndex((v) => typeof v !== 'string' || !/^[^/\s]+\/\S+$/.test(v));
  return bad === -1 ? null : `[${bad}] must be "provider/model"`;
}

export class CreateEvalDto {
  @ApiProperty({ example: 'extraction' })
  task!: string;

  @ApiPropertyOptional({
    description: '"all" (default: the task chain), "primary", or ["provider/model", ...]',
    oneOf: [
      { type: 'string', enum: ['all', 'primary'] },
      { type: 'array', items: { type: 'string' } },
    ],
  })
  candidates?: CandidatesSpec;

  @ApiPropertyOptional({ description: 'Score only the first N examples of the dataset' })
  examples?: number;

  @ApiPropertyOptional({ description: 'Jobs of this run in flight at once (default 4)' })
  concurrency?: number;

  @ApiPropertyOptional({ description: 'Receives eval.completed, signed per Standard Webhooks' })
  webhook_url?: string;
}

const EVAL_BODY_SHAPE: BodyShape = {
  task: { presence: 'required', checks: [isString(), maxLength(128), isNotEmpty()] },
  candidates: { presence: 'optional', checks: [custom(candidatesProblem)] },
  examples: { presence: 'optional', checks: [isInt(), min(1), max(100_000)] },
  concurrency: { presence: 'optional', checks: [isInt(), min(1), max(64)] },
  webhook_url: { presence: 'optional', checks: [isHttpUrl()] },
};

export const validateEvalBody = compileBodyShape(EVAL_BODY_SHAPE);
