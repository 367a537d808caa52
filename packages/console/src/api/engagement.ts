import type { Api } from './client.js';

// Engagement, metrics and record routes (E's and M's, under packages/server/src/api/
// engagements, commitments, incidents, notifications, mechanisms, metrics). Paths here, once.

export interface RequestView {
  id: string;
  channel?: string;
  requester: string;
  responders: string[];
  mechanism: string;
  level?: number;
  kind: string;
  subject: string;
  time: string;
  deadline: string;
  state: string;
  turn: string[];
  steps?: Array<{ entry: string; type: string; author: string; time: string; invalid?: string }>;
  firstAnswer?: { entry: string; type: string; by: string; time: string };
  unansweredAtDeadline: boolean;
  onSuspendedMechanism?: boolean;
}

export type Row = Record<string, unknown>;

const enc = encodeURIComponent;

/** Rows of a list answer, whatever its one array field is called (`{ requests: [...] }`, `{ items: [...] }`). */
export function rowsOf(answer: unknown): Row[] {
  if (Array.isArray(answer)) return answer as Row[];
  if (answer && typeof answer === 'object') {
    const list = Object.values(answer).find(Array.isArray);
    if (list) return list as Row[];
  }
  return [];
}

/** One endpoint of a peer link (GET /links). */
export interface LinkEndpoint {
  url: string;
  state: 'UP' | 'DEGRADED' | 'DOWN';
  rttMs: number | null;
  offsetMs: number | null;
  lastContact: string | null;
  failures: number;
}

/** A pinned peer's link (GET /links); `state` null: the node is not serving. */
export interface PeerLinkView {
  peer: string;
  fingerprint: string;
  pinnedAt: string;
  state: LinkEndpoint['state'] | null;
  endpoint: string | null;
  rttMs: number | null;
  offsetMs: number | null;
  lastContact: string | null;
  endpoints: LinkEndpoint[];
  channels: Array<{ channel: string; name: string; unacknowledged: number }>;
}

export interface LevelContact {
  level: number;
  lastContact: string | null;
  daysSince: number | null;
}

export interface RecordFeed {
  author: string;
  entries: number;
  head: { seq: number; id: string; time: string } | null;
}

export interface RecordEntry {
  seq: number;
  id: string;
  type: string;
  time: string;
  storedAt: string;
  flags: string[];
}

export interface RecordVerify {
  ok: boolean;
  error?: { code: string; message: string };
  keysAnchored?: boolean;
  feeds: Array<{ author: string; entries: number; disclosed: number }>;
  checkpoints: number;
  notes: string[];
  statements: string[];
}

/** The record explorer's routes (api/record): browse feeds, verify, export. */
export const record = {
  feeds: (api: Api, channel: string) =>
    api.get<{ channel: string; name: string; feeds: RecordFeed[] }>(`/channels/${enc(channel)}/record`),
  entries: (api: Api, channel: string, author: string, from: number, limit = 50) =>
    api.get<{ entries: RecordEntry[]; next: number | null }>(`/channels/${enc(channel)}/record/feeds/${enc(author)}`, {
      from,
      limit,
    }),
  verify: (api: Api, channel: string) => api.get<RecordVerify>(`/channels/${enc(channel)}/record/verify`),
  /** A link to download the evidence bundle (the node answers it as an attachment). */
  exportHref: (channel: string, q: { disclose?: string; from?: string; to?: string }) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v) params.set(k, v);
    const qs = params.toString();
    return `/api/v1/channels/${enc(channel)}/record/export${qs ? `?${qs}` : ''}`;
  },
};

export const engagement = {
  links: (api: Api) => api.get<{ now: string; serving: boolean; links: PeerLinkView[] }>('/links'),
  requests: (api: Api, channel: string) =>
    api
      .get<{ requests: RequestView[] }>(`/channels/${enc(channel)}/engagements`)
      .then((r) => r.requests.map((q) => ({ ...q, channel }))),
  /** One engagement entry (request-accept, request-decline, …) through the engagement rules. */
  meetings: (api: Api, channel: string) =>
    api
      .get<{ meetings: Row[] }>(`/channels/${enc(channel)}/engagements`)
      .then((r) => r.meetings.map((m): Row => ({ ...m, channel }))),
  act: (api: Api, channel: string, type: string, body: Row) =>
    api.post<{ id: string }>(`/channels/${enc(channel)}/engagements`, { type, body }),
  /** Every row of one per-channel list route, over every active channel (`area`: commitments, incidents, …). */
  listAll: async (api: Api, area: string): Promise<Row[]> => {
    const { channels } = await api.get<{ channels: Array<{ id: string; state: string }> }>('/channels');
    const lists = await Promise.all(
      channels
        .filter((c) => c.state === 'active')
        .map(async (c) =>
          rowsOf(await api.get<unknown>(`/channels/${enc(c.id)}/${area}`)).map((r) => ({ channel: c.id, ...r })),
        ),
    );
    return lists.flat();
  },
};
