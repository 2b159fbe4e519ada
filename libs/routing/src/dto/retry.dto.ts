import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class RetryDto {
  @IsOptional()
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: 'must be at least 1 (1 means no retry)' })
  @Max(10, { message: 'must be at most 10' })
  attempts?: number;

  @IsOptional()
  @IsInt({ message: 'must be a whole number of milliseconds' })
  @Min(0, { message: 'must not be negative' })
  backoff_ms?: number;
}
