/** A schema that cannot be compiled: the request is at fault, not the provider. */
export class InvalidSchemaError extends Error {
  override readonly name = 'InvalidSchemaError';
}
