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

export const engagement = {
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
