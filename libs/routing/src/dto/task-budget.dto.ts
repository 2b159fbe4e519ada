import { IsInt, IsNumber, IsOptional, IsPositive, Max, Min } from 'class-validator';

const FINITE = { allowNaN: false, allowInfinity: false };

export class TaskBudgetDto {
  @IsOptional()
  @IsNumber(FINITE, { message: 'must be a number (USD)' })
  @IsPositive({ message: 'must be greater than 0' })
  max_cost_usd?: number;

  @IsOptional()
  @IsInt({ message: 'must be a whole number of milliseconds' })
  @Min(1, { message: 'must be at least 1' })
  latency_ms?: number;

  @IsOptional()
  @IsNumber(FINITE, { message: 'must be a number (USD)' })
  @IsPositive({ message: 'must be greater than 0' })
  daily_usd?: number;

  @IsOptional()
  @IsNumber(FINITE, { message: 'must be a number in (0, 1]' })
  @IsPositive({ message: 'must be in (0, 1]' })
  @Max(1, { message: 'must be in (0, 1]' })
  alert_at?: number;
}
