import { fields, linkPrefix } from '@parley/contract';
import type { FastifyInstance } from 'fastify';
import { blobForPeer } from '../../hotline/attachments.js';
import { parseWith } from '../../http/errors.js';
import type { LinkContext } from '../context.js';

/** Where a peer's blob is fetched from (hash: base64url SHA-256 of the bytes). */
export const blobPath = (hash: string) => `${linkPrefix}/blobs/${hash}`;

/**
 * GET /link/v1/blobs/:hash — the bytes of an attachment, for a peer that is
 * a member of a channel in which an entry names it (hotline/attachments.ts
 * blobForPeer). Any other hash, held or not, is PARLEY_E_NOT_FOUND. The
 * answer is raw bytes; the receiver verifies them against its signed entry.
 */
export function blobsRoute(app: FastifyInstance, ctx: LinkContext): void {
  app.get<{ Params: { hash: string } }>(`${linkPrefix}/blobs/:hash`, async (request, reply) => {
    const hash = parseWith(fields.sha256, request.params.hash, 'blob hash');
    const bytes = await blobForPeer(ctx.node, hash, request.peer);
    return reply
      .type('application/octet-stream')
      .header('x-content-type-options', 'nosniff')
      .header('content-length', bytes.byteLength)
      .send(bytes);
  });
}
