import { IsInt, IsOptional, Min } from 'class-validator';

export class RateLimitDto {
  @IsOptional()
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: 'must be at least 1' })
  requests_per_minute?: number;
}
