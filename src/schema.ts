import { createRequire } from 'node:module';
import type { OutputUnit, Validator } from '@cfworker/json-schema';

// Loaded on first use: a run with no config file and no tool call never validates anything.
const require = createRequire(import.meta.url);
let ValidatorClass: typeof Validator | undefined;

/**
 * JSON Schema validation for everything that crosses an edge: config, tool arguments, frames.
 * Issues are reported at the leaves ("providers.x.type is invalid", "foo is unknown") so a
 * caller can name the exact key and drop just that value.
 */
export interface SchemaIssue {
  path: string[];
  kind: 'unknown_key' | 'invalid';
  message: string;
}

const validators = new WeakMap<object, Validator>();

export function validate(schema: object, value: unknown): SchemaIssue[] {
  let validator = validators.get(schema);
  if (!validator) {
    ValidatorClass ??= (require('@cfworker/json-schema') as typeof import('@cfworker/json-schema')).Validator;
    validator = new ValidatorClass(schema as ConstructorParameters<typeof Validator>[0], '2020-12', false);
    validators.set(schema, validator);
  }
  const result = validator.validate(value);
  if (result.valid) return [];
  const leaves = result.errors.filter((unit) => !WRAPPERS.has(unit.keyword));
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const unit of leaves) {
    const path = pointerPath(unit.instanceLocation);
    const key = path.join('\u0000');
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({
      path,
      kind: unit.keyword === 'false' ? 'unknown_key' : 'invalid',
      message: unit.keyword === 'false' ? 'unknown key' : describe(unit),
    });
  }
  return issues;
}

/** Keywords that only say "something below failed"; the leaf below says what. */
const WRAPPERS = new Set(['properties', 'additionalProperties', 'items', 'prefixItems', 'allOf', 'anyOf', 'oneOf', '$ref']);

function pointerPath(location: string): string[] {
  return location
    .replace(/^#\/?/, '')
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~'));
}

function describe(unit: OutputUnit): string {
  return unit.error.replace(/^Instance /, 'value ').replace(/\.$/, '');
}

export function formatPath(path: string[]): string {
  return path.length === 0 ? '(root)' : path.join('.');
}
