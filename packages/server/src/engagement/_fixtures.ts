/** Factories for engagement tests: a charter with mechanisms, and entries as the rules read them. */
import { type Charter, defaultCharter, type Mechanism } from '@parley/contract';
import type { RecordEntry } from './record-view.js';

export const US = 'us-js';
export const CN = 'cn-jsd';

const keys = {
  [CN]: 'BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBA',
  [US]: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
};

export const dtl: Mechanism = {
  id: 'dtl',
  names: { en: 'Defense Telephone Link', 'zh-Hans': '国防部直通电话' },
  level: 2,
  kinds: ['call', 'video-teleconference'],
  counterparts: [
    { party: US, principal: 'Secretary of Defense' },
    { party: CN, principal: 'Minister of National Defense' },
  ],
};

export const mmca: Mechanism = {
  id: 'mmca',
  names: { en: 'MMCA working group', 'zh-Hans': '海上军事安全磋商机制工作小组' },
  level: 5,
  kinds: ['working-group', 'meeting'],
  counterparts: [],
  answerDeadlineHours: 72,
};

export function charter(extra: Partial<Charter> = {}): Charter {
  const c = defaultCharter({
    name: 'US–PRC military channel',
    proposer: US,
    createdAt: '2023-01-01T00:00:00.000Z',
    nonce: 'AAAAAAAAAAAAAAAAAAAAAA',
    members: [
      { id: US, names: { en: 'US Joint Staff', 'zh-Hans': '美国参谋长联席会议' }, key: keys[US] },
      { id: CN, names: { en: 'CMC Joint Staff Department', 'zh-Hans': '中央军委联合参谋部' }, key: keys[CN] },
    ],
  });
  return {
    ...c,
    mechanisms: [dtl, mmca],
    glossary: [
      { terms: { en: 'respect', 'zh-Hans': '尊重' } },
      { terms: { en: 'miscalculation', 'zh-Hans': '误判' } },
      { terms: { en: 'core interests', 'zh-Hans': '核心利益' } },
    ],
    ...extra,
  };
}

let counter = 0;
const seqs: Record<string, number> = {};

/** An entry by `author` at `time` with a fresh id. */
export function entry(author: string, type: string, time: string, body: Record<string, unknown>): RecordEntry {
  counter += 1;
  seqs[author] = (seqs[author] ?? 0) + 1;
  const id = `E${String(counter).padStart(42, '0')}`;
  const refs = ['request', 'meeting', 'commitment', 'incident', 'notification', 'amendment']
    .map((f) => body[f])
    .filter((v): v is string => typeof v === 'string');
  return { id, author, seq: seqs[author]!, type, time, refs, body };
}

export const slot = (start: string) => ({ start, durationMinutes: 60, timeZone: 'UTC' });

export function requestBody(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    mechanism: 'dtl',
    kind: 'video-teleconference',
    subject: 'Chiefs of defence video teleconference',
    language: 'en',
    principals: {
      requester: [{ name: 'Charles Q. Brown Jr.', title: 'Chairman of the Joint Chiefs of Staff', party: US }],
      responder: [{ name: 'Liu Zhenli', title: 'Chief of the Joint Staff Department', party: CN }],
    },
    slots: [slot('2023-12-21T13:00:00.000Z'), slot('2023-12-22T13:00:00.000Z')],
    agenda: ['Crisis communication'],
    deadline: '2023-12-10T00:00:00.000Z',
    ...extra,
  };
}

export const t = (day: number, hour = 0) => new Date(Date.UTC(2023, 11, day, hour)).toISOString();
