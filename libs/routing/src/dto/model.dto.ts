import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsArray, IsDefined, IsInt, IsObject, Min, ValidateNested } from 'class-validator';
import { ModelPriceDto } from './model-price.dto';

export class ModelDto {
  @IsDefined({ message: 'is required' })
  @IsInt({ message: 'must be a whole number of tokens' })
  @Min(1, { message: 'must be at least 1' })
  context_window!: number;

  @IsDefined({ message: 'is required' })
  @IsInt({ message: 'must be a whole number of tokens' })
  @Min(1, { message: 'must be at least 1' })
  max_output_tokens!: number;

  // Entries are checked one by one afterwards, so each bad one gets its own indexed path.
  @IsDefined({ message: 'is required' })
  @IsArray({ message: 'must be a list of capabilities' })
  capabilities!: unknown[];

  @IsDefined({ message: 'is required' })
  @IsObject({ message: 'must be a mapping' })
  @ValidateNested({ message: 'must be a mapping' })
  @Type(() => ModelPriceDto)
  price!: ModelPriceDto;
}
