import { MODEL_FIELDS } from '../fields/model.fields';
import type { ModelConfig, RoutingIssue } from '../routing-table.types';
import { readCapabilities } from './capability-list';
import { isMapping, validateFields } from './field-validation';
import { splitModelId } from './names';

export interface ModelEntryResult {
  model?: ModelConfig;
  issues: RoutingIssue[];
}

/** Validates one `models:` entry (of the catalog or of a routes file) into a ModelConfig. */
export function readModelEntry(
  id: string,
  raw: unknown,
  path: string,
  fromEnv: ReadonlySet<string>,
): ModelEntryResult {
  const issues: RoutingIssue[] = [];
  const parts = splitModelId(id);
  if (!parts) {
    issues.push({
      path,
      message: `model keys must look like "provider/model", got ${JSON.stringify(id)}`,
    });
  }
  const { value: fields, issues: fieldIssues } = validateFields(MODEL_FIELDS, raw, path, fromEnv);
  issues.push(...fieldIssues);
  const capabilities = Array.isArray(fields?.capabilities)
    ? readCapabilities(fields.capabilities, `${path}.capabilities`, issues)
    : [];
  if (issues.length > 0 || !parts || !fields) return { issues };
  return {
    issues,
    model: {
      id,
      provider: parts.provider,
      model: parts.model,
      context_window: fields.context_window,
      max_output_tokens: fields.max_output_tokens,
      capabilities,
      price: {
        input_per_mtok: fields.price.input_per_mtok,
        output_per_mtok: fields.price.output_per_mtok,
        ...(fields.price.cached_input_per_mtok === undefined
          ? {}
          : { cached_input_per_mtok: fields.price.cached_input_per_mtok }),
        ...(fields.price.cache_write_per_mtok === undefined
          ? {}
          : { cache_write_per_mtok: fields.price.cache_write_per_mtok }),
      },
    },
  };
}

/**
 * A routes-file entry for a model the catalog already has is merged over it field by field (and
 * inside `price`), so overriding one price does not mean restating the context window.
 */
export function mergeOverCatalog(
  catalogEntry: ModelConfig | undefined,
  fileEntry: unknown,
): unknown {
  if (!catalogEntry || !isMapping(fileEntry)) return fileEntry;
  const base: Record<string, unknown> = {
    context_window: catalogEntry.context_window,
    max_output_tokens: catalogEntry.max_output_tokens,
    capabilities: [...catalogEntry.capabilities],
    price: { ...catalogEntry.price },
  };
  const price = isMapping(fileEntry.price)
    ? { ...catalogEntry.price, ...fileEntry.price }
    : fileEntry.price;
  return { ...base, ...fileEntry, ...(fileEntry.price === undefined ? {} : { price }) };
}
