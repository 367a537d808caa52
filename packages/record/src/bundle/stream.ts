import { isParleyError, ParleyError } from '@parley/contract';
import { parseJson } from '../jcs/parse.js';
import { BundleChecker, type BundleCheckerOptions } from './checker.js';
import type { EvidenceReport } from './report.js';
import { BundleSplitter } from './splitter.js';

export interface StreamOptions extends BundleCheckerOptions {
  /** Called as bytes are consumed: pass 1 reads the meta, pass 2 checks entries. */
  onProgress?: (pass: 1 | 2, bytes: number, entries: number) => void;
  /** Awaited after the last entry, before finish(): e.g. to drain a signature pool. */
  beforeFinish?: () => Promise<void>;
}

/**
 * Verifies a bundle read twice from `open()` (e.g. a file): first its meta,
 * skipping entries, then entry by entry, each parsed strictly, so memory stays
 * bounded whatever the size. Bundles whose entries are not in ascending seq per
 * author fall back to sorting in memory.
 *
 * @example
 * const report = await verifyBundleStream(() => createReadStream(path));
 */
export async function verifyBundleStream(
  open: () => AsyncIterable<Uint8Array>,
  options: StreamOptions = {},
): Promise<EvidenceReport> {
  const meta: Record<string, unknown> = {};
  const first = new BundleSplitter('meta', {
    member: (key, bytes) => {
      meta[key] = parseJson(bytes);
    },
  });
  for await (const chunk of open()) {
    first.push(chunk);
    options.onProgress?.(1, first.offset, 0);
  }
  first.end();
  if (!first.sawEntries) throw new ParleyError('PARLEY_E_BUNDLE_FORMAT', { reason: 'entries: an array is required' });
  const checker = new BundleChecker(meta, options);
  let count = 0;
  const second = new BundleSplitter('entries', {
    entry: (bytes, index) => {
      checker.entry(parseJson(bytes), index);
      count = index + 1;
    },
  });
  try {
    for await (const chunk of open()) {
      second.push(chunk);
      options.onProgress?.(2, second.offset, count);
    }
    second.end();
  } catch (error) {
    if (isParleyError(error, 'PARLEY_E_BUNDLE_FORMAT') && error.details.unsorted === true)
      return unsorted(open, meta, options);
    throw error;
  }
  await options.beforeFinish?.();
  return checker.finish();
}

async function unsorted(open: () => AsyncIterable<Uint8Array>, meta: Record<string, unknown>, options: StreamOptions) {
  const entries: Array<{ value: unknown; index: number; author: string; seq: number }> = [];
  const splitter = new BundleSplitter('entries', {
    entry: (bytes, index) => {
      const value = parseJson(bytes) as { header?: { author?: unknown; seq?: unknown } };
      entries.push({ value, index, author: String(value?.header?.author ?? ''), seq: Number(value?.header?.seq ?? 0) });
    },
  });
  for await (const chunk of open()) splitter.push(chunk);
  splitter.end();
  entries.sort((a, b) => (a.author < b.author ? -1 : a.author > b.author ? 1 : a.seq - b.seq || a.index - b.index));
  const checker = new BundleChecker(meta, options);
  for (const e of entries) checker.entry(e.value, e.index);
  await options.beforeFinish?.();
  return checker.finish();
}
