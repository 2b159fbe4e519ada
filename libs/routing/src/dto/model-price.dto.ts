import { IsDefined, IsNumber, IsOptional, Min } from 'class-validator';

/** USD per million tokens. */
export class ModelPriceDto {
  @IsDefined({ message: 'is required' })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'must be a number (USD)' })
  @Min(0, { message: 'must not be negative' })
  input_per_mtok!: number;

  @IsDefined({ message: 'is required' })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'must be a number (USD)' })
  @Min(0, { message: 'must not be negative' })
  output_per_mtok!: number;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'must be a number (USD)' })
  @Min(0, { message: 'must not be negative' })
  cached_input_per_mtok?: number;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'must be a number (USD)' })
  @Min(0, { message: 'must not be negative' })
  cache_write_per_mtok?: number;
}
