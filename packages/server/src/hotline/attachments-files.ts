import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { type Attachment, limits, ParleyError } from '@parley/contract';
import type { ParleyNode } from '../node/node.js';
import { requireAttachmentSize, storeBlob } from './attachments.js';
import { databaseOf } from './hotline-db.js';

/**
 * Media types by file extension, for `parley send --attach FILE`. Types a
 * browser would run (HTML, SVG, XML, script) are named as what they are, so
 * the allowlist refuses them instead of letting them pass as bytes.
 */
const byExtension: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
  '.json': 'application/json',
  '.zip': 'application/zip',
  '.mp3': 'audio/mpeg',
  '.mp4': 'video/mp4',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.xhtml': 'application/xhtml+xml',
  '.svg': 'image/svg+xml',
  '.xml': 'application/xml',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
};

/** The media type `parley send --attach` gives a file: by extension, else application/octet-stream. */
export function contentTypeOfFile(path: string): string {
  return byExtension[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Reads and stores files to attach (the CLI's --attach, repeatable) under
 * the same rules as an upload: allowed type, size limit, file name.
 */
export async function attachFiles(node: ParleyNode, paths: readonly string[]): Promise<Attachment[]> {
  if (paths.length > limits.attachments)
    throw new ParleyError('PARLEY_E_USAGE', {
      reason: `at most ${limits.attachments} attachments per message (got ${paths.length})`,
    });
  const out: Attachment[] = [];
  for (const path of paths) {
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch (error) {
      throw new ParleyError('PARLEY_E_IO', { op: 'read', path, reason: (error as Error).message });
    }
    requireAttachmentSize(size);
    const bytes = await readFile(path).catch((error: Error) => {
      throw new ParleyError('PARLEY_E_IO', { op: 'read', path, reason: error.message });
    });
    const a = await storeBlob(databaseOf(node.store), {
      bytes,
      name: basename(path),
      contentType: contentTypeOfFile(path),
      now: node.now(),
    });
    if (!out.some((o) => o.sha256 === a.sha256)) out.push(a);
  }
  return out;
}
