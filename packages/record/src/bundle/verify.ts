import { ParleyError } from '@parley/contract';
import { BundleChecker } from './checker.js';
import type { EvidenceReport } from './report.js';

/**
 * Verifies a whole bundle held in memory (see BundleChecker to stream one).
 * Entries may come in any order: they are taken per author in seq order.
 *
 * @example
 * const report = verifyBundle(JSON.parse(text));
 * for (const line of report.statements) console.log(line);
 */
export function verifyBundle(bundle: unknown): EvidenceReport {
  if (typeof bundle !== 'object' || bundle === null || Array.isArray(bundle)) {
    throw new ParleyError('PARLEY_E_BUNDLE_FORMAT', { reason: 'a bundle is a JSON object' });
  }
  const { entries, ...meta } = bundle as Record<string, unknown>;
  if (!Array.isArray(entries))
    throw new ParleyError('PARLEY_E_BUNDLE_FORMAT', { reason: 'entries: an array is required' });
  const checker = new BundleChecker(meta);
  const order = entries.map((entry, index) => ({ entry, index, ...sortKey(entry) }));
  order.sort((a, b) => (a.author < b.author ? -1 : a.author > b.author ? 1 : a.seq - b.seq || a.index - b.index));
  for (const { entry, index } of order) checker.entry(entry, index);
  return checker.finish();
}

function sortKey(entry: unknown): { author: string; seq: number } {
  const header = (entry as { header?: { author?: unknown; seq?: unknown } } | null)?.header;
  return { author: String(header?.author ?? ''), seq: typeof header?.seq === 'number' ? header.seq : 0 };
}
