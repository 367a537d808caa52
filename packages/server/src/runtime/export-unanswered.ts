import { type Bundle, type Claim, isParleyError, ParleyError, type RequestBody } from '@parley/contract';
import {
  buildBundle,
  type EvidenceReport,
  type KeyTable,
  planNoAnswer,
  type SignedCharter,
  type SignedEntry,
} from '@parley/record';
import type { StoredEntryRow } from '../store/store.js';
import type { OpenNode } from './open-node.js';

export interface UnansweredOptions {
  /** The request's entry id. */
  request: string;
  /** Only this responder; by default every responder the request names (other than its author). */
  party?: string | undefined;
  /** When given, the request must be in this channel. */
  channel?: string | undefined;
}

type Entry = SignedEntry & { id: string };

/**
 * `parley export --prove-unanswered REQUEST`: a bundle proving, with bodies
 * withheld, that each responder's node stored the request (its own receipt
 * says so) and that its feed holds no answer up to the request's deadline —
 * see docs/decisions/0011-metrics-and-silence.md. Refuses (PARLEY_E_REQUEST_ANSWERED,
 * PARLEY_E_NOT_UNANSWERED_YET) rather than write a bundle that would not verify.
 */
export async function exportUnanswered(
  open: OpenNode,
  options: UnansweredOptions,
): Promise<{ bundle: Bundle; report: EvidenceReport }> {
  const { store } = open;
  const requestRow = await store.getEntryById(options.request);
  if (requestRow?.type !== 'request' || (options.channel !== undefined && options.channel !== requestRow.channel))
    throw new ParleyError('PARLEY_E_NOT_FOUND', { what: 'request', id: options.request });
  const row = await store.getChannel(requestRow.channel);
  if (row?.state !== 'active') throw new ParleyError('PARLEY_E_UNKNOWN_CHANNEL', { channel: requestRow.channel });
  const body = JSON.parse(requestRow.body) as RequestBody;
  const now = open.node.now();
  if (now <= body.deadline) {
    throw new ParleyError('PARLEY_E_NOT_UNANSWERED_YET', {
      request: options.request,
      reason: `its deadline ${body.deadline} has not passed (now ${now})`,
    });
  }
  const charter = JSON.parse(row.charter) as SignedCharter['charter'];
  const members = new Set(charter.members.map((m) => m.id));
  let parties = [...new Set(body.principals.responder.map((p) => p.party))].filter(
    (p) => p !== requestRow.author && members.has(p),
  );
  if (options.party !== undefined) {
    if (!parties.includes(options.party)) {
      throw new ParleyError('PARLEY_E_USAGE', {
        reason: `${options.party} is not a responder of this request (responders: ${parties.join(', ') || 'none'})`,
      });
    }
    parties = [options.party];
  }
  if (parties.length === 0) {
    throw new ParleyError('PARLEY_E_USAGE', { reason: 'the request names no responder that is another member' });
  }

  const { keys, feeds } = await loadFeeds(open, row.id, charter);
  const request = feeds.get(requestRow.author)!.get(requestRow.seq)!;
  // Silence about a request its requester withdrew before the deadline would mislead: refuse.
  for (const e of feeds.get(requestRow.author)!.values()) {
    const withdrawn = (e.body as { request?: unknown }).request === request.id || e.header.refs.includes(request.id);
    if (e.header.type === 'request-withdraw' && withdrawn && e.header.time <= body.deadline) {
      throw new ParleyError('PARLEY_E_USAGE', {
        reason: `${requestRow.author} withdrew the request at ${e.header.time}, before its deadline: there is no silence to prove`,
      });
    }
  }
  const entries: SignedEntry[] = [];
  const disclosers: Array<(e: SignedEntry) => boolean> = [];
  const claims: Claim[] = [];
  const checkpoints: string[] = [];
  for (const party of parties) {
    const feed = feeds.get(party) ?? new Map<number, Entry>();
    let plan: ReturnType<typeof planNoAnswer>;
    try {
      plan = planNoAnswer(request, feed, feeds.get(requestRow.author)!, party, body.deadline);
    } catch (error) {
      if (isParleyError(error, 'PARLEY_E_CLAIM')) {
        throw new ParleyError('PARLEY_E_NOT_UNANSWERED_YET', {
          request: options.request,
          reason: `${party}'s node has not acknowledged storing it`,
        });
      }
      throw error;
    }
    entries.push(...plan.entries);
    disclosers.push(plan.disclose);
    claims.push({ kind: 'no-answer', party, entry: request.id, receipt: plan.witness.id, deadline: body.deadline });
    if (plan.needsCheckpoint) {
      const note = await boundingCheckpoint(open, row.id, party, plan.lastSeq);
      if (!note) {
        throw new ParleyError('PARLEY_E_NOT_UNANSWERED_YET', {
          request: options.request,
          reason: `this node holds no entry of ${party} dated after the deadline ${body.deadline}, nor a checkpoint of its feed cosigned after it`,
        });
      }
      checkpoints.push(note.note);
      // The checker recomputes the root from seq 1, which ties the checkpoint to the run.
      for (let seq = 1; seq <= note.size; seq++) entries.push(feed.get(seq)!);
    }
  }
  try {
    return buildBundle({
      channel: { id: row.id, charter, signatures: JSON.parse(row.signatures) },
      keys,
      entries,
      disclose: (e) => disclosers.some((d) => d(e)),
      checkpoints,
      claims,
    });
  } catch (error) {
    // Only the checkpoint bound can fall short here (e.g. cosigned before the deadline): silence not provable yet.
    if (checkpoints.length > 0 && isParleyError(error, 'PARLEY_E_CLAIM')) {
      throw new ParleyError('PARLEY_E_NOT_UNANSWERED_YET', {
        request: options.request,
        reason: String(error.details.reason),
      });
    }
    throw error;
  }
}

/** Every feed of the channel, by author and seq, and the key history its key-rotate entries give. */
async function loadFeeds(open: OpenNode, channel: string, charter: SignedCharter['charter']) {
  const keys: KeyTable = Object.fromEntries(
    charter.members.map((m) => [m.id, [{ key: m.key, fromSeq: 1, untilSeq: null }]]),
  );
  const feeds = new Map<string, Map<number, Entry>>();
  let after: { author: string; seq: number } | undefined;
  for (;;) {
    const page = await open.store.scan(channel, after, 2000);
    if (page.length === 0) break;
    for (const r of page) {
      if (r.type === 'key-rotate') rotate(keys, r);
      const feed = feeds.get(r.author) ?? new Map<number, Entry>();
      feeds.set(r.author, feed);
      feed.set(r.seq, { id: r.id, header: JSON.parse(r.header), sig: r.sig, body: JSON.parse(r.body) });
    }
    after = { author: page[page.length - 1]!.author, seq: page[page.length - 1]!.seq };
  }
  return { keys, feeds };
}

/** The party's newest stored checkpoint that covers every entry of it held here (its cosignatures are checked by the verifier). */
async function boundingCheckpoint(open: OpenNode, channel: string, party: string, lastSeq: number) {
  const list = await open.store.listCheckpoints(channel, party);
  return list.filter((c) => c.size >= lastSeq).sort((a, b) => b.size - a.size)[0];
}

function rotate(keys: KeyTable, row: StoredEntryRow): void {
  const ranges = keys[row.author];
  const { newKey } = JSON.parse(row.body) as { newKey: string };
  const last = ranges?.[ranges.length - 1];
  if (!ranges || !last || last.untilSeq !== null) return;
  last.untilSeq = row.seq;
  ranges.push({ key: newKey, fromSeq: row.seq + 1, untilSeq: null });
}
