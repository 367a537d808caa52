import { Readable } from 'node:stream';
import { attachmentParams, ParleyError } from '@parley/contract';
import { z } from 'zod';
import { blobBytes, blobInfo, isAllowedType } from '../../hotline/attachments.js';
import { databaseOf } from '../../hotline/hotline-db.js';
import { defineRoute } from '../define-route.js';

/** `attachment; filename="…"; filename*=UTF-8''…`: an ASCII fallback and the exact name (RFC 6266, RFC 8187). */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${exact}`;
}

/**
 * GET /attachments/:sha256: the bytes of a held attachment, always as a
 * download: Content-Disposition attachment, nosniff, a sandboxing CSP, and a
 * media type from the allowlist (none of which is HTML) or
 * application/octet-stream — never rendered inline by the console's origin.
 */
export const downloadAttachmentRoute = defineRoute({
  method: 'GET',
  url: '/attachments/:sha256',
  summary: 'Download an attachment held by this node (always as a file, never shown inline)',
  permission: 'messages.read',
  params: attachmentParams,
  response: z.string().describe('the attachment bytes'),
  produces: 'application/octet-stream',
  async handler({ params, ctx, reply }) {
    const db = databaseOf(ctx.open.node.store);
    const info = await blobInfo(db, params.sha256);
    const bytes = info && (await blobBytes(db, params.sha256));
    if (!info || !bytes) throw new ParleyError('PARLEY_E_NOT_FOUND', { what: 'attachment', id: params.sha256 });
    void reply
      .type(isAllowedType(info.contentType) ? info.contentType : 'application/octet-stream')
      .header('content-disposition', contentDisposition(info.name))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "sandbox; default-src 'none'")
      .header('cross-origin-resource-policy', 'same-origin')
      .header('cache-control', 'private, no-store')
      .header('content-length', bytes.byteLength);
    return Readable.from([bytes]);
  },
});
