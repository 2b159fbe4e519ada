import { IsBoolean, IsInt, IsOptional, Min } from 'class-validator';

export class LedgerPolicyDto {
  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  store_prompts?: boolean;

  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  store_responses?: boolean;

  @IsOptional()
  @IsInt({ message: 'must be a whole number of characters' })
  @Min(1, { message: 'must be at least 1' })
  max_chars?: number;
}
