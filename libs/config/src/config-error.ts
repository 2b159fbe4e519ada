/** A setting from the environment that cannot be used; its message names the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
