/**
 * A structural check that a value is shaped as a JSON Schema draft 2020-12
 * document: each known keyword has the right kind of value, subschemas are
 * schemas, local `$ref`s resolve. It does not validate data against schemas.
 */
export const draft2020 = 'https://json-schema.org/draft/2020-12/schema';

const typeNames = new Set(['null', 'boolean', 'object', 'array', 'number', 'string', 'integer']);
const schemaKeys = ['items', 'additionalProperties', 'not', 'contains', 'propertyNames', 'if', 'then', 'else'];
const schemaMapKeys = ['properties', 'patternProperties', '$defs', 'dependentSchemas'];
const schemaListKeys = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const numberKeys = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'];
const countKeys = ['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties'];
const stringKeys = ['$schema', '$id', '$comment', 'title', 'description', 'format', '$ref'];
/** Keywords of earlier drafts whose meaning changed or moved in 2020-12. */
const olderKeys = ['definitions', 'dependencies', 'additionalItems', '$recursiveRef'];

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns null for a well-shaped root schema, else `"<JSON pointer>: <problem>"`. */
export function jsonSchemaProblem(root: unknown): string | null {
  if (!isObject(root)) return '/: a schema document is an object';
  if (root.$schema !== draft2020) return `/$schema: must be ${draft2020}`;
  return schemaProblem(root, '', root);
}

function schemaProblem(schema: unknown, at: string, root: Json): string | null {
  if (typeof schema === 'boolean') return null;
  if (!isObject(schema)) return `${at || '/'}: a schema is an object or a boolean`;
  for (const [key, value] of Object.entries(schema)) {
    const problem = keywordProblem(key, value, `${at}/${key}`, root);
    if (problem) return problem;
  }
  return null;
}

/** A nested schema's problem comes back whole; this keyword's own gets its pointer. */
function keywordProblem(key: string, value: unknown, at: string, root: Json): string | null {
  if (schemaKeys.includes(key) || schemaMapKeys.includes(key) || schemaListKeys.includes(key))
    return subschemaProblem(key, value, at, root);
  const problem = valueProblem(key, value, root);
  return problem === null ? null : `${at}: ${problem}`;
}

function subschemaProblem(key: string, value: unknown, at: string, root: Json): string | null {
  if (schemaKeys.includes(key)) return schemaProblem(value, at, root);
  if (schemaMapKeys.includes(key)) {
    if (!isObject(value)) return `${at}: must be an object of schemas`;
    for (const [name, sub] of Object.entries(value)) {
      if (key === 'patternProperties' && !safePattern(name)) return `${at}/${name}: ${patternRule}`;
      const problem = schemaProblem(sub, `${at}/${name}`, root);
      if (problem) return problem;
    }
    return null;
  }
  if (!Array.isArray(value) || value.length === 0) return `${at}: must be a non-empty array of schemas`;
  for (const [i, sub] of value.entries()) {
    const problem = schemaProblem(sub, `${at}/${i}`, root);
    if (problem) return problem;
  }
  return null;
}

function valueProblem(key: string, value: unknown, root: Json): string | null {
  if (olderKeys.includes(key)) return 'not a draft 2020-12 keyword';
  if (numberKeys.includes(key)) return typeof value === 'number' ? null : 'must be a number';
  if (countKeys.includes(key)) return Number.isInteger(value) && (value as number) >= 0 ? null : 'must be a count';
  if (stringKeys.includes(key)) return typeof value === 'string' ? refProblem(key, value, root) : 'must be a string';
  switch (key) {
    case 'type':
      return typeProblem(value);
    case 'required':
      return uniqueStrings(value) ? null : 'must be an array of unique strings';
    case 'enum':
      return Array.isArray(value) && value.length > 0 ? null : 'must be a non-empty array';
    case 'multipleOf':
      return typeof value === 'number' && value > 0 ? null : 'must be a positive number';
    case 'pattern':
      return typeof value === 'string' && safePattern(value) ? null : patternRule;
    case 'uniqueItems':
      return typeof value === 'boolean' ? null : 'must be a boolean';
    default:
      return null;
  }
}

function typeProblem(value: unknown): string | null {
  if (typeof value === 'string') return typeNames.has(value) ? null : `unknown type ${value}`;
  if (uniqueStrings(value) && value.length > 0 && value.every((t) => typeNames.has(t))) return null;
  return 'must be a type name or a non-empty array of unique type names';
}

function refProblem(key: string, value: string, root: Json): string | null {
  if (key !== '$ref') return null;
  if (!value.startsWith('#')) return 'must be a local reference (#/$defs/NAME): a node never fetches schemas';
  const name = /^#\/\$defs\/([^/]+)$/.exec(value)?.[1];
  const defs = root.$defs;
  return name !== undefined && isObject(defs) && name in defs ? null : `does not resolve to a local $defs entry`;
}

function uniqueStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((s) => typeof s === 'string') && new Set(value).size === value.length;
}

export const maxPatternLength = 200;
const patternRule = `must be a regular expression of at most ${maxPatternLength} characters, without backreferences or a repeated group that holds a quantifier or an alternation`;

/**
 * A pattern a peer's data cannot make slow: the charter's formats run on data
 * the other party writes, with JavaScript's backtracking engine, so patterns
 * that can backtrack exponentially — a repeated group holding a quantifier or
 * an alternation, `(a+)+`, `(a|a)*`; a backreference — are refused, and
 * length is bounded. A heuristic on the pattern's text, deliberately strict.
 */
function safePattern(pattern: string): boolean {
  if (pattern.length > maxPatternLength) return false;
  try {
    new RegExp(pattern, 'u');
  } catch {
    return false;
  }
  if (/\\(?:[1-9]|k<)/.test(pattern)) return false;
  return !/\([^()]*(?:[+*|]|\{\d+,\d*\})[^()]*\)(?:[+*]|\{\d+,\d*\})/.test(pattern);
}
