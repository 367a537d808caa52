import { attachmentSchema, attachmentUploadBytes, uploadAttachmentBody } from '@parley/contract';
import { requireAllowedType, requireAttachmentSize, storeBlob } from '../../hotline/attachments.js';
import { databaseOf } from '../../hotline/hotline-db.js';
import { defineRoute } from '../define-route.js';

/**
 * POST /attachments: stores a file and answers with the attachment a message
 * names it by (hash, name, media type, size). The same bytes uploaded again
 * are the same blob. JSON with base64 data (docs/decisions/0009-attachments.md).
 */
export const uploadAttachmentRoute = defineRoute({
  method: 'POST',
  url: '/attachments',
  summary: 'Upload a file to attach to a message (JSON, bytes in base64); answers with its hash',
  permission: 'attachments.write',
  audit: 'attachments.upload',
  status: 201,
  body: uploadAttachmentBody,
  response: attachmentSchema,
  bodyLimit: attachmentUploadBytes,
  // The blob is written through the node's store, not the accounts' transaction (one writer on SQLite).
  transaction: false,
  async handler({ body, ctx, audit }) {
    requireAllowedType(body.contentType);
    // Bytes from the base64 length alone, before decoding anything oversize.
    const pad = body.data.endsWith('==') ? 2 : body.data.endsWith('=') ? 1 : 0;
    requireAttachmentSize((body.data.length / 4) * 3 - pad);
    const { node } = ctx.open;
    const a = await storeBlob(databaseOf(node.store), {
      bytes: Buffer.from(body.data, 'base64'),
      name: body.name,
      contentType: body.contentType,
      now: node.now(),
    });
    audit.target = a.sha256;
    audit.details = { name: a.name, contentType: a.contentType, size: a.size };
    return a;
  },
});
