import type { Agent } from 'node:https';
import { request as httpsRequest } from 'node:https';
import { isParleyError, limits, ParleyError } from '@parley/contract';
import { parseJson } from '@parley/record';
import type { Logger } from 'pino';
import {
  acceptFetchedBlob,
  fetchFailed,
  fetchRefused,
  isAllowedType,
  type WantedBlob,
  wantedBlobs,
} from '../hotline/attachments.js';
import { databaseOf } from '../hotline/hotline-db.js';
import type { ParleyNode } from '../node/node.js';
import { blobPath } from './routes/blobs.js';

/** How the fetcher reaches a pinned peer: its agent and the endpoint the link uses now. */
export interface BlobSource {
  agentOf(party: string): Agent | undefined;
  endpointOf(party: string): string | undefined;
}

export interface BlobFetcherOptions {
  node: ParleyNode;
  source: BlobSource;
  log: Logger;
  /** How often due fetches are looked for (besides new entries from peers). */
  tickMs?: number;
  /** A whole blob must arrive within this time. */
  timeoutMs?: number;
  /** Longest wait between attempts at one blob (node time). */
  maxBackoffMs?: number;
}

/** A peer answered with bytes that do not verify: refused, never stored. */
class Refusal extends Error {
  constructor(
    readonly peer: string,
    readonly error: ParleyError,
  ) {
    super(error.message);
  }
}

/**
 * Fetches the blobs that other members' entries name and this node lacks,
 * over the pinned link (GET /link/v1/blobs/:hash), from the entry's author
 * first and then from the channel's other members. Bytes are verified against
 * the signed entry (SHA-256 and size, allowed type) before they are stored;
 * bytes that fail are refused, recorded as an `attachment-refused` alarm and
 * not asked for again. An unreachable peer or a 404 is retried later, with
 * exponential backoff.
 */
export class BlobFetcher {
  readonly #o: BlobFetcherOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #again = false;
  #stopped = false;
  /** Aborts the fetch in flight on stop: shutting down must not wait for a slow peer's blob. */
  #abort = new AbortController();
  readonly #onAppended = (e: { own: boolean; attachments?: boolean }) => {
    if (!e.own && e.attachments) this.poke();
  };

  constructor(options: BlobFetcherOptions) {
    this.#o = options;
  }

  start(): void {
    this.#stopped = false;
    this.#abort = new AbortController();
    this.#o.node.events.on('appended', this.#onAppended);
    this.#timer = setInterval(() => this.poke(), this.#o.tickMs ?? 2000);
    this.#timer.unref();
    this.poke();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#o.node.events.off('appended', this.#onAppended);
    if (this.#timer) clearInterval(this.#timer);
    this.#abort.abort();
    await this.#running?.catch(() => 0);
  }

  /** Looks for due fetches now (a run in progress runs once more afterwards). */
  poke(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.runOnce()
      .catch((error) => {
        this.#o.log.warn({ err: String(error) }, 'attachment fetch run failed');
        return 0;
      })
      .finally(() => {
        this.#running = undefined;
        if (this.#again) {
          this.#again = false;
          this.poke();
        }
      });
  }

  /** One pass over the due blobs; resolves with how many were stored. */
  async runOnce(): Promise<number> {
    const { node } = this.#o;
    const db = databaseOf(node.store);
    let stored = 0;
    for (const want of await wantedBlobs(db, node.party, node.now())) {
      if (this.#stopped) break;
      try {
        if (!want.variants.some((v) => isAllowedType(v.contentType))) {
          const refusal = new Refusal(
            want.author,
            new ParleyError('PARLEY_E_ATTACHMENT_TYPE', {
              contentType: want.contentType,
              allowed: limits.attachmentTypes.join(', '),
            }),
          );
          await this.#alarm(want, refusal);
          throw refusal;
        }
        await this.#fetchOne(want);
        stored++;
      } catch (error) {
        // Cut short by stop(): nothing about the peer was learned, and the store may be closing.
        if (this.#stopped) break;
        if (error instanceof Refusal) await this.#refuse(want, error);
        else await this.#later(want, error);
      }
    }
    return stored;
  }

  /**
   * Tries the entry's author, then the other members. A peer whose bytes do
   * not verify is named in an alarm at once, and the next member is asked (in
   * a multilateral channel one faulty member must not keep an attachment from
   * the others); only when no member's bytes verify is the blob refused.
   */
  async #fetchOne(want: WantedBlob): Promise<void> {
    const { node, source } = this.#o;
    const channel = await node.channel(want.channel);
    const candidates = [want.author, ...channel.members.filter((m) => m !== want.author && m !== node.party)];
    const errors: string[] = [];
    let refused: Refusal | undefined;
    for (const peer of candidates) {
      const agent = source.agentOf(peer);
      const base = source.endpointOf(peer);
      if (!agent || !base) continue;
      let bytes: Buffer;
      try {
        bytes = await fetchBlob(
          agent,
          base,
          want.sha256,
          readCap(want),
          this.#o.timeoutMs ?? 60_000,
          this.#abort.signal,
        );
      } catch (error) {
        if (isParleyError(error, 'PARLEY_E_ATTACHMENT_MISMATCH')) {
          const refusal = new Refusal(peer, error);
          refused ??= refusal;
          await this.#alarm(want, refusal);
        } else errors.push(`${peer}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      try {
        await acceptFetchedBlob(databaseOf(node.store), want, bytes, node.now());
      } catch (error) {
        if (!(error instanceof ParleyError)) throw error;
        const refusal = new Refusal(peer, error);
        refused ??= refusal;
        await this.#alarm(want, refusal);
        continue;
      }
      this.#o.log.info({ sha256: want.sha256, peer, size: want.size }, 'attachment fetched and verified');
      return;
    }
    if (refused) throw refused;
    throw new Error(errors.join('; ') || 'no linked member to fetch from');
  }

  async #later(want: WantedBlob, error: unknown): Promise<void> {
    const { node } = this.#o;
    const attempts = want.attempts + 1;
    const delay = Math.min(1000 * 2 ** Math.min(attempts - 1, 20), this.#o.maxBackoffMs ?? 60_000);
    const nextAt = new Date(Date.parse(node.now()) + delay).toISOString();
    const text = error instanceof Error ? error.message : String(error);
    await fetchFailed(databaseOf(node.store), want.sha256, attempts, nextAt, text);
  }

  /** No member's bytes verified (each was named in an alarm): not fetched again by itself. */
  async #refuse(want: WantedBlob, refusal: Refusal): Promise<void> {
    await fetchRefused(databaseOf(this.#o.node.store), want.sha256, refusal.error.message, this.#o.node.now());
  }

  /** A peer's bytes failed verification: an `attachment-refused` alarm, stored and on the event bus. */
  async #alarm(want: WantedBlob, refusal: Refusal): Promise<void> {
    const { node } = this.#o;
    const now = node.now();
    const message = `attachment refused: ${refusal.peer} sent "${want.name}" (${want.sha256}) that does not verify: ${refusal.error.message}`;
    await node.store.raiseAlarm({
      kind: 'attachment-refused',
      channel: want.channel,
      message,
      details: JSON.stringify({
        sha256: want.sha256,
        peer: refusal.peer,
        entry: want.entryId,
        code: refusal.error.code,
      }),
      raisedAt: now,
    });
    node.events.emit('alarm', { kind: 'attachment-refused', message, channel: want.channel });
    this.#o.log.warn({ sha256: want.sha256, peer: refusal.peer, err: refusal.error.message }, 'attachment refused');
  }
}

/** The most bytes worth reading: the largest size an entry naming the hash gives with an allowed type. */
function readCap(want: WantedBlob): number {
  return Math.max(0, ...want.variants.filter((v) => isAllowedType(v.contentType)).map((v) => v.size));
}

/**
 * GET /link/v1/blobs/:hash from a pinned peer. More bytes than the signed
 * entry's size are not read (PARLEY_E_ATTACHMENT_MISMATCH: the peer is
 * faulty or hostile); an error answer is parsed (bounded) for its message.
 */
export function fetchBlob(
  agent: Agent,
  base: string,
  sha256: string,
  size: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Buffer> {
  const url = new URL(blobPath(sha256), base);
  return new Promise((resolve, reject) => {
    let settled = false;
    // `timeout` below is the socket's idle time only: a peer trickling a byte now and then would
    // hold the fetcher (which fetches one blob at a time) for ever. This bounds the whole answer.
    const deadline = setTimeout(() => {
      settle(new Error(`timeout after ${timeoutMs} ms`));
      req.destroy();
    }, timeoutMs);
    const settle = (error: Error | undefined, body?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (error) reject(error);
      else resolve(body!);
    };
    const req = httpsRequest(
      url,
      { method: 'GET', agent, timeout: timeoutMs, ...(signal ? { signal } : {}) },
      (res) => {
        const ok = res.statusCode === 200;
        const cap = ok ? size : 64 * 1024;
        const parts: Buffer[] = [];
        let got = 0;
        res.on('data', (chunk: Buffer) => {
          if (settled) return;
          got += chunk.byteLength;
          if (got <= cap) {
            parts.push(chunk);
            return;
          }
          settle(
            ok
              ? new ParleyError('PARLEY_E_ATTACHMENT_MISMATCH', {
                  sha256,
                  reason: `the peer sent more than the entry's ${size} bytes`,
                })
              : new Error(`peer answered ${res.statusCode} with an oversize body`),
          );
          req.destroy();
        });
        res.on('end', () => {
          const body = Buffer.concat(parts);
          if (ok) return settle(undefined, body);
          let detail = '';
          try {
            const parsed = parseJson(body) as { code?: unknown; message?: unknown };
            detail = `${String(parsed.code)}: ${String(parsed.message)}`;
          } catch {
            detail = 'no error body';
          }
          settle(new Error(`peer answered ${res.statusCode} (${detail})`));
        });
        res.on('error', (error) => settle(error));
        res.on('aborted', () => settle(new Error('the peer broke off the answer')));
      },
    );
    req.on('timeout', () => {
      settle(new Error(`timeout after ${timeoutMs} ms`));
      req.destroy();
    });
    req.on('error', (error) => settle(error));
    req.end();
  });
}
