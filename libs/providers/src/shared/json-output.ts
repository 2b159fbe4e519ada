import { ProviderError } from '../provider-error';
import { InvalidSchemaError, JsonSchemaValidator } from '@switchyard/schemas';

const validator = new JsonSchemaValidator();

/** Some models wrap JSON in a markdown fence even when asked not to. */
const FENCED = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/i;

function parseLenient(text: string): { ok: true; value: unknown } | { ok: false } {
  const trimmed = text.trim();
  for (const candidate of [trimmed, FENCED.exec(trimmed)?.[1]]) {
    if (candidate === undefined) continue;
    try {
      return { ok: true, value: JSON.parse(candidate) };
    } catch {
      // try the next form
    }
  }
  return { ok: false };
}

/**
 * The model's structured answer, parsed and checked against the requested schema. Throws
 * `invalid_output` when it does not parse or does not match, and `bad_request` when the schema
 * itself cannot be compiled.
 */
export function parseJsonOutput(
  text: string,
  schema: Record<string, unknown>,
  provider: string,
): unknown {
  const parsed = parseLenient(text);
  if (!parsed.ok) {
    throw new ProviderError('invalid_output', `${provider}: the model's answer is not valid JSON`, {
      provider,
    });
  }
  let check;
  try {
    check = validator.check(schema, parsed.value);
  } catch (err) {
    if (err instanceof InvalidSchemaError)
      throw new ProviderError('bad_request', `${provider}: ${err.message}`, { provider });
    throw err;
  }
  if (!check.valid) {
    throw new ProviderError(
      'invalid_output',
      `${provider}: the model's JSON does not match the schema: ${check.problems}`,
      {
        provider,
      },
    );
  }
  return parsed.value;
}
