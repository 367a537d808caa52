/**
 * Mechanisms as the record makes them: the charter in force (the genesis
 * charter, replaced by each amendment once every other member accepted it),
 * and suspensions and resumptions by each party, with their history. Pure.
 */
import type { Charter, Mechanism } from '@parley/contract';
import { canonicalBytes, type JsonValue, sha256, toBase64url } from '@parley/record';
import { formatSchemaProblem } from './notifications.js';
import type { RecordEntry } from './record-view.js';
import { short } from './rule-error.js';

export interface Amendment {
  id: string;
  author: string;
  time: string;
  summary: string;
  charter: Charter;
  hash: string;
  acceptedBy: string[];
  /** When the last member accepted it; absent while pending. */
  inForceAt?: string;
}

export interface SuspensionEvent {
  entry: string;
  kind: 'suspend' | 'resume';
  by: string;
  time: string;
  /** The reason given to suspend, or the note given to resume. */
  text: string;
  effective?: string;
}

export interface MechanismView extends Mechanism {
  state: 'active' | 'suspended';
  /** Parties whose suspension is not lifted. */
  suspendedBy: string[];
  history: SuspensionEvent[];
}

export interface MechanismsState {
  members: string[];
  charter: Charter;
  amendments: Map<string, Amendment>;
  history: Map<string, SuspensionEvent[]>;
  suspendedBy: Map<string, Set<string>>;
}

/** SHA-256 of the charter's canonical bytes, base64url: what a charter-accept names. */
export function charterHash(charter: Charter): string {
  return toBase64url(sha256(canonicalBytes(charter as unknown as JsonValue)));
}

export function newMechanisms(genesis: Charter): MechanismsState {
  return {
    members: genesis.members.map((m) => m.id),
    charter: genesis,
    amendments: new Map(),
    history: new Map(),
    suspendedBy: new Map(),
  };
}

export function findMechanism(s: MechanismsState, id: string): Mechanism | undefined {
  return s.charter.mechanisms.find((m) => m.id === id);
}

export function isSuspended(s: MechanismsState, id: string): boolean {
  return (s.suspendedBy.get(id)?.size ?? 0) > 0;
}

/** Why `e` breaks the mechanism rules, or null. */
export function checkMechanismEntry(s: MechanismsState, e: RecordEntry): string | null {
  const b = e.body as Record<string, unknown>;
  switch (e.type) {
    case 'charter-amend':
      return checkAmend(s, b.charter as Charter);
    case 'charter-accept': {
      const a = s.amendments.get(b.amendment as string);
      if (!a) return `${short(b.amendment as string)} is not a charter amendment in this channel`;
      if (a.author === e.author) return `${e.author} proposed amendment ${short(a.id)}: the other members accept it`;
      if (a.acceptedBy.includes(e.author)) return `${e.author} already accepted amendment ${short(a.id)}`;
      if (a.hash !== b.charterHash) return `charterHash is not the hash of amendment ${short(a.id)}'s charter`;
      return null;
    }
    case 'mechanism-suspend': {
      const id = b.mechanism as string;
      if (!findMechanism(s, id)) return `the charter names no mechanism ${id}`;
      if (s.suspendedBy.get(id)?.has(e.author)) return `${e.author} has already suspended ${id}`;
      return null;
    }
    case 'mechanism-resume': {
      const id = b.mechanism as string;
      if (!findMechanism(s, id)) return `the charter names no mechanism ${id}`;
      if (!s.suspendedBy.get(id)?.has(e.author))
        return `${e.author} has not suspended ${id}: only the party that suspended a mechanism resumes it`;
      return null;
    }
    default:
      return null;
  }
}

function checkAmend(s: MechanismsState, next: Charter): string | null {
  const now = s.charter.members.map((m) => `${m.id}:${m.key}`).join(',');
  if (next.members.map((m) => `${m.id}:${m.key}`).join(',') !== now)
    return 'an amendment keeps the members and their keys (keys change by key-rotate)';
  for (const m of next.mechanisms) {
    const missing = next.languages.filter((l) => m.names[l] === undefined);
    if (missing.length > 0) return `mechanism ${m.id} has no name in ${missing.join(', ')}`;
  }
  for (const f of next.notificationFormats) {
    const broken = formatSchemaProblem(f);
    if (broken !== null) return `notification format ${f.id}: its schema does not compile (${broken})`;
  }
  if (charterHash(next) === charterHash(s.charter)) return 'the amended charter is the charter in force';
  return null;
}

/** Applies an entry that passed checkMechanismEntry. */
export function applyMechanismEntry(s: MechanismsState, e: RecordEntry): void {
  const b = e.body as Record<string, unknown>;
  if (e.type === 'charter-amend') {
    const charter = b.charter as Charter;
    s.amendments.set(e.id, {
      id: e.id,
      author: e.author,
      time: e.time,
      summary: b.summary as string,
      charter,
      hash: charterHash(charter),
      acceptedBy: [],
    });
  } else if (e.type === 'charter-accept') {
    const a = s.amendments.get(b.amendment as string)!;
    a.acceptedBy.push(e.author);
    if (s.members.every((m) => m === a.author || a.acceptedBy.includes(m))) {
      a.inForceAt = e.time;
      s.charter = a.charter;
    }
  } else if (e.type === 'mechanism-suspend' || e.type === 'mechanism-resume') {
    const id = b.mechanism as string;
    const suspend = e.type === 'mechanism-suspend';
    const list = s.history.get(id) ?? [];
    list.push({
      entry: e.id,
      kind: suspend ? 'suspend' : 'resume',
      by: e.author,
      time: e.time,
      text: (suspend ? b.reason : b.note) as string,
      ...(suspend ? { effective: b.effective as string } : {}),
    });
    s.history.set(id, list);
    const by = s.suspendedBy.get(id) ?? new Set<string>();
    if (suspend) by.add(e.author);
    else by.delete(e.author);
    s.suspendedBy.set(id, by);
  }
}

/** Every mechanism of the charter in force, with its state and suspension history. */
export function mechanismViews(s: MechanismsState): MechanismView[] {
  return s.charter.mechanisms.map((m) => ({
    ...m,
    state: isSuspended(s, m.id) ? 'suspended' : 'active',
    suspendedBy: [...(s.suspendedBy.get(m.id) ?? [])].sort(),
    history: s.history.get(m.id) ?? [],
  }));
}
