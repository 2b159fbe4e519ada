import type { FieldRules } from '../validation/field-validation';
import { isAtLeast, isFiniteNumber, isList, isMappingValue, isWholeNumber } from './field-checks';

/** USD per million tokens. */
export interface ModelPriceFields {
  input_per_mtok: number;
  output_per_mtok: number;
  cached_input_per_mtok?: number;
  cache_write_per_mtok?: number;
}

const usd = [
  isFiniteNumber('must be a number (USD)'),
  isAtLeast(0, 'must not be negative'),
] as const;

export const MODEL_PRICE_FIELDS: FieldRules<ModelPriceFields> = {
  input_per_mtok: { presence: 'required', checks: usd },
  output_per_mtok: { presence: 'required', checks: usd },
  cached_input_per_mtok: { presence: 'optional', checks: usd },
  cache_write_per_mtok: { presence: 'optional', checks: usd },
};

/** A model of the `models:` catalogue. */
export interface ModelFields {
  context_window: number;
  max_output_tokens: number;
  capabilities: unknown[];
  price: ModelPriceFields;
}

const tokens = [
  isWholeNumber('must be a whole number of tokens'),
  isAtLeast(1, 'must be at least 1'),
] as const;

export const MODEL_FIELDS: FieldRules<ModelFields> = {
  context_window: { presence: 'required', checks: tokens },
  max_output_tokens: { presence: 'required', checks: tokens },
  // Entries are checked one by one afterwards, so each bad one gets its own indexed path.
  capabilities: { presence: 'required', checks: [isList('must be a list of capabilities')] },
  price: {
    presence: 'required',
    checks: [isMappingValue('must be a mapping')],
    nested: MODEL_PRICE_FIELDS,
  },
};
