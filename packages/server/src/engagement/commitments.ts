/**
 * Commitments from words to deeds: proposed (under a parent, from a
 * meeting), agreed by every member, and each side's claimed status with
 * evidence. Divergence: members' newest claims differ. Pure.
 */
import type { commitmentStatuses } from '@parley/contract';
import type { RecordEntry } from './record-view.js';
import { short } from './rule-error.js';

export interface StatusClaim {
  entry: string;
  by: string;
  time: string;
  status: (typeof commitmentStatuses)[number];
  note: string;
  evidence: string[];
}

export interface CommitmentView {
  id: string;
  author: string;
  time: string;
  text: string;
  language: string;
  sourceMeeting?: string;
  parent?: string;
  due?: string;
  agreedBy: string[];
  state: 'proposed' | 'agreed';
  /** Each member's newest claimed status. */
  claims: Record<string, StatusClaim>;
  history: StatusClaim[];
  /** Members' newest claims differ. */
  divergent: boolean;
  /** Past its due date and nobody claims it implemented. */
  overdue: boolean;
  children: string[];
  invalid?: string;
}

export interface CommitmentsState {
  members: string[];
  items: Map<string, Omit<CommitmentView, 'state' | 'divergent' | 'overdue'>>;
}

export function newCommitments(members: string[]): CommitmentsState {
  return { members, items: new Map() };
}

type Lookup = (id: string) => { type: string } | undefined;

export function checkCommitmentEntry(s: CommitmentsState, e: RecordEntry, lookup: Lookup): string | null {
  const b = (e.body ?? {}) as Record<string, unknown>;
  if (e.type === 'commitment-propose') {
    const parent = b.parent === undefined ? undefined : s.items.get(b.parent as string);
    if (b.parent !== undefined && !parent)
      return `parent ${short(b.parent as string)} is not a commitment in this channel`;
    if (parent?.invalid !== undefined)
      return `parent ${short(parent.id)} is flagged (${parent.invalid}): nothing is proposed under it`;
    if (b.sourceMeeting !== undefined && lookup(b.sourceMeeting as string)?.type !== 'meeting')
      return `source meeting ${short(b.sourceMeeting as string)} is not a meeting in this channel`;
    return null;
  }
  if (e.type !== 'commitment-agree' && e.type !== 'commitment-status') return null;
  const c = s.items.get(b.commitment as string);
  if (!c) return `${short(b.commitment as string)} is not a commitment in this channel`;
  if (c.invalid !== undefined) return `commitment ${short(c.id)} is flagged (${c.invalid}): it cannot be agreed to`;
  if (e.type === 'commitment-agree') {
    if (c.author === e.author) return `${e.author} proposed commitment ${short(c.id)}: the other members agree to it`;
    if (c.agreedBy.includes(e.author)) return `${e.author} already agreed to commitment ${short(c.id)}`;
    return null;
  }
  if (!s.members.every((m) => m === c.author || c.agreedBy.includes(m)))
    return `commitment ${short(c.id)} is not agreed by every member yet`;
  return null;
}

export function applyCommitmentEntry(s: CommitmentsState, e: RecordEntry, invalid?: string): void {
  const b = (e.body ?? {}) as Record<string, unknown>;
  if (e.type === 'commitment-propose') {
    s.items.set(e.id, {
      id: e.id,
      author: e.author,
      time: e.time,
      text: b.text as string,
      language: b.language as string,
      ...(b.sourceMeeting !== undefined ? { sourceMeeting: b.sourceMeeting as string } : {}),
      ...(b.parent !== undefined ? { parent: b.parent as string } : {}),
      ...(b.due !== undefined ? { due: b.due as string } : {}),
      agreedBy: [],
      claims: {},
      history: [],
      children: [],
      ...(invalid !== undefined ? { invalid } : {}),
    });
    if (b.parent !== undefined && invalid === undefined) s.items.get(b.parent as string)?.children.push(e.id);
    return;
  }
  if (invalid !== undefined) return;
  const c = s.items.get(b.commitment as string);
  if (!c) return;
  if (e.type === 'commitment-agree') c.agreedBy.push(e.author);
  if (e.type === 'commitment-status') {
    const claim: StatusClaim = {
      entry: e.id,
      by: e.author,
      time: e.time,
      status: b.status as StatusClaim['status'],
      note: b.note as string,
      evidence: b.evidence as string[],
    };
    c.history.push(claim);
    c.claims[e.author] = claim;
  }
}

export function commitmentViews(s: CommitmentsState, now: string): CommitmentView[] {
  return [...s.items.values()].map((c) => {
    const statuses = new Set(Object.values(c.claims).map((x) => x.status));
    const implemented = Object.values(c.claims).some((x) => x.status === 'implemented');
    return {
      ...c,
      state: s.members.every((m) => m === c.author || c.agreedBy.includes(m)) ? 'agreed' : 'proposed',
      divergent: statuses.size > 1,
      overdue: c.due !== undefined && now.slice(0, 10) > c.due && !implemented,
    };
  });
}
