import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { draft2020, jsonSchemaProblem } from './json-schema-shape.js';
import { defaultNotificationFormats } from './notification-formats.js';

describe('default notification formats', () => {
  for (const format of defaultNotificationFormats()) {
    it(`${format.id} is a closed draft 2020-12 object schema`, () => {
      const schema = format.schema as Record<string, unknown>;
      assert.equal(jsonSchemaProblem(schema), null);
      assert.equal(schema.$schema, draft2020);
      assert.equal(schema.type, 'object');
      assert.equal(schema.additionalProperties, false);
      const properties = schema.properties as Record<string, unknown>;
      for (const name of schema.required as string[]) assert.ok(name in properties, name);
      assert.deepEqual(Object.keys(format.names), ['en', 'zh-Hans']);
    });
  }

  it('describe areas as a polygon or a centre and radius', () => {
    const [activity] = defaultNotificationFormats();
    const defs = (activity!.schema as { $defs: { area: { oneOf: { required: string[] }[] } } }).$defs;
    assert.deepEqual(
      defs.area.oneOf.map((o) => o.required),
      [['polygon'], ['centre', 'radiusKm']],
    );
  });
});

describe('jsonSchemaProblem', () => {
  const doc = (extra: Record<string, unknown>) => ({ $schema: draft2020, type: 'object', ...extra });

  it('names the first misshapen keyword by JSON pointer', () => {
    assert.equal(jsonSchemaProblem([]), '/: a schema document is an object');
    assert.match(jsonSchemaProblem({ type: 'object' }) ?? '', /^\/\$schema: must be /);
    assert.equal(
      jsonSchemaProblem(doc({ properties: { a: { type: 'string', minLength: -1 } } })),
      '/properties/a/minLength: must be a count',
    );
    assert.equal(jsonSchemaProblem(doc({ required: ['a', 'a'] })), '/required: must be an array of unique strings');
    assert.equal(jsonSchemaProblem(doc({ oneOf: [] })), '/oneOf: must be a non-empty array of schemas');
    const rule =
      'must be a regular expression of at most 200 characters, without backreferences or a repeated group that holds a quantifier or an alternation';
    assert.equal(jsonSchemaProblem(doc({ anyOf: [{ pattern: '(' }] })), `/anyOf/0/pattern: ${rule}`);
    for (const slow of ['^(a+)+$', '(a|aa)*b', '(\\w{1,})+', '(x)\\1', 'a'.repeat(201)])
      assert.equal(
        jsonSchemaProblem(doc({ properties: { s: { pattern: slow } } })),
        `/properties/s/pattern: ${rule}`,
        slow,
      );
    assert.equal(
      jsonSchemaProblem(doc({ patternProperties: { '^(a+)+$': true } })),
      `/patternProperties/^(a+)+$: ${rule}`,
    );
    assert.equal(jsonSchemaProblem(doc({ properties: { s: { pattern: '^[A-Z]{2,3}-\\d+$' } } })), null);
    assert.equal(
      jsonSchemaProblem(doc({ properties: { a: { $ref: 'https://example.org/s.json' } } })),
      '/properties/a/$ref: must be a local reference (#/$defs/NAME): a node never fetches schemas',
    );
    assert.equal(jsonSchemaProblem(doc({ items: 3 })), '/items: a schema is an object or a boolean');
    assert.equal(jsonSchemaProblem(doc({ definitions: {} })), '/definitions: not a draft 2020-12 keyword');
    assert.equal(
      jsonSchemaProblem(doc({ properties: { a: { $ref: '#/$defs/missing' } } })),
      '/properties/a/$ref: does not resolve to a local $defs entry',
    );
  });

  it('accepts boolean schemas, annotations and local references', () => {
    const ok = doc({
      title: 'T',
      properties: { a: true, b: { $ref: '#/$defs/b' }, c: { type: ['string', 'null'] } },
      $defs: { b: { const: 1 } },
      examples: [{}],
    });
    assert.equal(jsonSchemaProblem(ok), null);
  });
});
