import type { Io } from '../io.js';

/** What `send` and `release` answer for a message written to the feed. */
export interface SentJson {
  id: string;
  seq: number;
  serial: number;
  time: string;
  release: { drafter: string; releaser?: string; emergency: boolean };
  provisional: boolean;
}

/** Prints a sent message: serial, seq, time and release; the entry id last. */
export function printSent(io: Io, verb: string, r: SentJson): void {
  const { drafter, releaser, emergency } = r.release;
  const by = releaser ? `drafted by ${drafter}, released by ${releaser}` : `by ${drafter}`;
  io.out(
    `${verb} serial ${r.serial} as seq ${r.seq} at ${r.time} (${by}${emergency ? '; EMERGENCY release, flagged' : ''})`,
  );
  if (r.provisional) io.out('note: this node has no users yet, so the command line acted with every role');
  io.out(r.id);
}
