import { sessionCookie } from './cookies.js';

/** One server-sent event as a client reads it. */
export interface Sse {
  event: string;
  data: unknown;
}

/**
 * A real HTTP client reading a text/event-stream (fetch over a socket, not
 * inject): collects events and comments, and waits for the one a test wants.
 */
export class SseClient {
  readonly events: Sse[] = [];
  readonly comments: string[] = [];
  status = 0;
  contentType = '';
  ended = false;
  #waiters: Array<() => void> = [];
  #abort = new AbortController();
  #done: Promise<void> = Promise.resolve();

  /** Connects and resolves once the answer's headers are in. */
  async connect(url: string, cookie?: string): Promise<this> {
    const res = await fetch(url, {
      headers: cookie ? { cookie: `${sessionCookie}=${cookie}` } : {},
      signal: this.#abort.signal,
    });
    this.status = res.status;
    this.contentType = res.headers.get('content-type') ?? '';
    if (!res.ok || !res.body) {
      this.events.push({ event: 'http-error', data: await res.json() });
      this.ended = true;
      return this;
    }
    this.#done = this.#read(res.body);
    return this;
  }

  async #read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          this.#frame(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
        }
        this.#wake();
      }
    } catch {
      // aborted by close()
    }
    this.ended = true;
    this.#wake();
  }

  #frame(text: string): void {
    let event = 'message';
    const data: string[] = [];
    for (const line of text.split('\n')) {
      if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length > 0) this.events.push({ event, data: JSON.parse(data.join('\n')) });
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  /** The first event (from index `from`) that `match` accepts, waiting up to `ms`. */
  async next<T = Record<string, unknown>>(
    match: (e: Sse) => boolean,
    what: string,
    ms = 10_000,
    from = 0,
  ): Promise<{ event: string; data: T }> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.events.slice(from).find(match);
      if (found) return found as { event: string; data: T };
      if (this.ended) throw new Error(`stream ended before ${what}; saw ${JSON.stringify(this.events)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${ms} ms; saw ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits until the server ends the stream. */
  async untilEnded(ms = 10_000): Promise<void> {
    await Promise.race([
      this.#done,
      new Promise((_, reject) => setTimeout(() => reject(new Error('stream did not end')), ms).unref()),
    ]);
  }

  close(): void {
    this.#abort.abort();
  }
}
