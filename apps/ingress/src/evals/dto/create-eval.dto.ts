import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsDefined,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  MaxLength,
  Min,
  registerDecorator,
  type ValidationArguments,
} from 'class-validator';
import type { CandidatesSpec } from '../eval-run-plan';

const MAX_CANDIDATES = 20;

/** `candidates` is "all", "primary" or a list of provider/model; class-validator has no union type. */
export function candidatesProblem(value: unknown): string | null {
  if (value === 'all' || value === 'primary') return null;
  const expected = 'must be "all", "primary" or a list of "provider/model"';
  if (!Array.isArray(value) || value.length === 0) return expected;
  if (value.length > MAX_CANDIDATES) return `must list at most ${MAX_CANDIDATES} candidates`;
  const bad = value.findIndex((v) => typeof v !== 'string' || !/^[^/\s]+\/\S+$/.test(v));
  return bad === -1 ? null : `[${bad}] must be "provider/model"`;
}

function IsCandidatesSpec(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isCandidatesSpec',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) => candidatesProblem(value) === null,
        defaultMessage: (args?: ValidationArguments) =>
          candidatesProblem(args?.value) ?? 'invalid candidates',
      },
    });
  };
}

export class CreateEvalDto {
  @ApiProperty({ example: 'extraction' })
  @IsDefined({ message: 'is required' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  task!: string;

  @ApiPropertyOptional({
    description: '"all" (default: the task chain), "primary", or ["provider/model", ...]',
    oneOf: [
      { type: 'string', enum: ['all', 'primary'] },
      { type: 'array', items: { type: 'string' } },
    ],
  })
  @IsOptional()
  @IsCandidatesSpec()
  candidates?: CandidatesSpec;

  @ApiPropertyOptional({ description: 'Score only the first N examples of the dataset' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  examples?: number;

  @ApiPropertyOptional({ description: 'Jobs of this run in flight at once (default 4)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(64)
  concurrency?: number;

  @ApiPropertyOptional({ description: 'Receives eval.completed, signed per Standard Webhooks' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  webhook_url?: string;
}
