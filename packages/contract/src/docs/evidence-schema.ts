import { z } from 'zod';
import { bundleSchema } from '../evidence/bundle.js';

/**
 * docs/evidence.schema.json: the JSON Schema (draft 2020-12) of a
 * parley-evidence/1 bundle, generated from the zod schema the verifier uses.
 */
export function evidenceJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(bundleSchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  const { $schema, ...rest } = schema;
  return {
    $schema,
    $id: 'https://parley.invalid/schemas/parley-evidence-1.schema.json',
    title: 'Parley evidence bundle (parley-evidence/1)',
    description:
      'An evidence bundle: a channel charter and its signatures, key history, entries (headers and signatures always, bodies where disclosed), C2SP checkpoints with cosignatures, Merkle, fork and equivocation proofs, and the claims they prove. See docs/evidence.md. Rules a schema cannot state (signatures, hashes, chains, claims) are checked by `parley verify`.',
    ...rest,
  };
}
