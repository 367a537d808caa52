/** JSON Schema pieces shared by the default notification formats. */
import { limits } from '../limits.js';
import { draft2020 } from './json-schema-shape.js';

export const text = { type: 'string', minLength: 1, maxLength: limits.shortText } as const;
export const longText = { type: 'string', minLength: 1, maxLength: limits.longText } as const;
export const time = {
  type: 'string',
  format: 'date-time',
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$',
  description: 'UTC, as YYYY-MM-DDTHH:MM:SS.sssZ',
} as const;
export const count = { type: 'integer', minimum: 0 } as const;

/** Definitions every format carries: a position, an area (polygon, or centre and radius), a force. */
export const defs = {
  position: {
    type: 'object',
    required: ['lat', 'lon'],
    additionalProperties: false,
    properties: {
      lat: { type: 'number', minimum: -90, maximum: 90 },
      lon: { type: 'number', minimum: -180, maximum: 180 },
    },
  },
  area: {
    oneOf: [
      {
        title: 'Polygon',
        type: 'object',
        required: ['polygon'],
        additionalProperties: false,
        properties: {
          polygon: { type: 'array', minItems: 3, maxItems: 256, items: { $ref: '#/$defs/position' } },
          description: text,
        },
      },
      {
        title: 'Circle',
        type: 'object',
        required: ['centre', 'radiusKm'],
        additionalProperties: false,
        properties: {
          centre: { $ref: '#/$defs/position' },
          radiusKm: { type: 'number', exclusiveMinimum: 0, maximum: 20_000 },
          description: text,
        },
      },
    ],
  },
  force: {
    type: 'object',
    required: ['service', 'description'],
    additionalProperties: false,
    properties: {
      service: {
        enum: [
          'army',
          'navy',
          'air-force',
          'rocket-force',
          'marine-corps',
          'space-force',
          'coast-guard',
          'joint',
          'other',
        ],
      },
      description: text,
      personnel: count,
      ships: count,
      aircraft: count,
    },
  },
} as const;

export const area = { $ref: '#/$defs/area' } as const;
export const forces = { type: 'array', minItems: 1, maxItems: limits.listItems, items: { $ref: '#/$defs/force' } };

/** A closed object schema document with the shared definitions. */
export function formatSchema(
  title: string,
  required: readonly string[],
  properties: Record<string, unknown>,
): Record<string, unknown> {
  return {
    $schema: draft2020,
    title,
    type: 'object',
    required: [...required],
    additionalProperties: false,
    properties,
    $defs: defs,
  };
}
