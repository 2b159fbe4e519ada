import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Min,
  ValidateNested,
} from 'class-validator';
import { PROVIDER_KINDS } from '@switchyard/providers';
import { RateLimitDto } from './rate-limit.dto';

export const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class ProviderDto {
  @IsDefined({ message: 'is required' })
  @IsIn(PROVIDER_KINDS, { message: `must be one of ${PROVIDER_KINDS.join(', ')}` })
  kind!: string;

  @IsOptional()
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https'] },
    { message: 'must be an http(s) URL' },
  )
  base_url?: string;

  // A value that is not a variable name is most likely a pasted key, so it is never echoed.
  @IsOptional()
  @IsString({ message: 'must be the name of an environment variable' })
  @Matches(ENV_VAR_NAME, {
    message: 'must be the name of an environment variable (such as OPENAI_API_KEY), not a key',
  })
  api_key_env?: string;

  @IsOptional()
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: 'must be at least 1' })
  concurrency?: number;

  @IsOptional()
  @IsObject({ message: 'must be a mapping' })
  @ValidateNested({ message: 'must be a mapping' })
  @Type(() => RateLimitDto)
  rate_limit?: RateLimitDto;

  @IsOptional()
  @IsInt({ message: 'must be a whole number of milliseconds' })
  @Min(1, { message: 'must be at least 1' })
  timeout_ms?: number;

  @IsOptional()
  @IsInt({ message: 'must be a whole number of milliseconds' })
  @Min(1, { message: 'must be at least 1' })
  first_token_timeout_ms?: number;

  @IsOptional()
  @IsInt({ message: 'must be a whole number of milliseconds' })
  @Min(1, { message: 'must be at least 1' })
  stream_idle_timeout_ms?: number;
}
