import {
  registerDecorator,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';

/** tool_choice is a string or an object naming one tool; class-validator has no union type. */
export function toolChoiceProblem(value: unknown): string | null {
  if (value === 'auto' || value === 'none' || value === 'required') return null;
  if (typeof value === 'string') return 'must be "auto", "none", "required" or {"name": "<tool>"}';
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return 'must be "auto", "none", "required" or {"name": "<tool>"}';
  const keys = Object.keys(value);
  const name = (value as { name?: unknown }).name;
  if (typeof name !== 'string' || name === '')
    return 'must be "auto", "none", "required" or {"name": "<tool>"}';
  const extra = keys.find((k) => k !== 'name');
  return extra === undefined ? null : `must have only "name" (not "${extra}")`;
}

export function IsToolChoice(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isToolChoice',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown) => toolChoiceProblem(value) === null,
        defaultMessage: (args?: ValidationArguments) =>
          toolChoiceProblem(args?.value) ?? 'invalid tool_choice',
      },
    });
  };
}
