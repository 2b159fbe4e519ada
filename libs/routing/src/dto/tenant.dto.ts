import { IsArray, IsInt, IsNumber, IsOptional, IsPositive, Max, Min } from 'class-validator';

const FINITE = { allowNaN: false, allowInfinity: false };

export class TenantDto {
  @IsOptional()
  @IsNumber(FINITE, { message: 'must be a number (USD)' })
  @IsPositive({ message: 'must be greater than 0' })
  daily_usd?: number;

  @IsOptional()
  @IsNumber(FINITE, { message: 'must be a number in (0, 1]' })
  @IsPositive({ message: 'must be in (0, 1]' })
  @Max(1, { message: 'must be in (0, 1]' })
  alert_at?: number;

  @IsOptional()
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: 'must be at least 1' })
  requests_per_minute?: number;

  // Entries are checked one by one afterwards, so each bad one gets its own indexed path.
  @IsOptional()
  @IsArray({ message: 'must be a list of provider names' })
  allowed_providers?: unknown[];

  @IsOptional()
  @IsArray({ message: 'must be a list of provider names' })
  denied_providers?: unknown[];
}
