/**
 * One valid body of every entry type, for tests and docs. Ids, keys and
 * signatures are random placeholders of the right form; content is
 * illustrative, after public reporting of the US–PRC channel.
 */
import { defaultCharter } from '../charter/default-charter.js';
import type { BodyOf, EntryType } from './body-schemas.js';

export const exampleIds = {
  a: 'LprRBETKUD0n-s1ex3zp9lUJOTAQeNc-K3UjWWQc3LM',
  b: 'l_MsHhYpNeUfBAlzMKDCFbXdedMtcpiJBE_CwHtgdos',
  c: 'Xep0JfQgrw4Ky4wu0khW5EIZT7SqLNSz0NxZf6HedKw',
  d: 'hENGNtT3w9ZUI7OXFfOlcdhh9Fa77XSBuiyc-I8u0hk',
  channel: 'YUvSKNyifzYlEbZlSx7cBRfZtMulZQ--sBuHCi0nAzE',
} as const;

export const exampleKeys = {
  'cn-jsd': '6qNwZeikIQfhMRFZa_OYMchWizBVS2SS_Yxzjat3FR4',
  'us-js': '4GCk6HQy6sjaxY1dX3N_eNHfUcQfzjWgS8Jgm_oE4j8',
  next: 'ALBfyW5wN6vO_isxwnEh-e4zDkWz_0xwGs_mw8_P7qg',
} as const;

const { a, b, c, d } = exampleIds;
const root = 'uYWoSs5ck6DHuzm0/lm47Qa/P7QoeB69L6xOxwlOMD8=';
const note = `parley/${exampleIds.channel}/us-js\n42\n${root}\n\n\u2014 us-js JCAUleIcOJzZyGJRANbKWV8CtsjYFuj0dzdKntmpZOuTZ8sXKC0T20PlNorNcD4dJnJTCn571Oaovl7s7kcKkEoXABY=\n`;
const cosigned = `${note}\u2014 cn-jsd gE8ERQxEaypmJrd1sq0fHVIqbMeZAdK0YCBUdwZesU61+i6OGoozazSvyatzEXyGOFCDUFTL6y6QjRG5PI9dXSSZdlY=\n`;

export const exampleCharter = defaultCharter({
  name: 'US–PRC Defense Telephone Link',
  proposer: 'us-js',
  createdAt: '2023-12-01T00:00:00.000Z',
  nonce: '4TzJy33OWFoLBth3p7Dkow',
  members: [
    { id: 'us-js', names: { en: 'Joint Staff (USA)', 'zh-Hans': '美国参谋长联席会议' }, key: exampleKeys['us-js'] },
    {
      id: 'cn-jsd',
      names: { 'zh-Hans': '中央军委联合参谋部', en: 'CMC Joint Staff Department' },
      key: exampleKeys['cn-jsd'],
    },
  ],
});

const brown = { name: 'Gen. Charles Q. Brown Jr.', title: 'Chairman of the Joint Chiefs of Staff', party: 'us-js' };
const liu = { name: 'Gen. Liu Zhenli', title: 'Chief of the Joint Staff Department', party: 'cn-jsd' };
const slot = { start: '2023-12-21T13:00:00.000Z', durationMinutes: 60, timeZone: 'America/New_York' };
const attachment = {
  sha256: 'f8442dqiuTCUkmyZz2-MAt896FASIAZSZLmxsdqEGeY',
  name: 'track.pdf',
  contentType: 'application/pdf',
  size: 48_213,
};

export const examples: { readonly [T in EntryType]: BodyOf<T> } = {
  'charter-amend': { charter: exampleCharter, summary: 'Add the MMCA working group as a mechanism' },
  'charter-accept': { amendment: a, charterHash: b },
  'key-rotate': {
    newKey: exampleKeys.next,
    proof: '1PTfH4JMTYjx37dcBaO4ggLno5Mlr0tDWtjWzMo4YRAOPW6gyAtmBiPhvhJKqRc5pRRjtJ5eSqz183Kn67WvRQ',
  },
  'mechanism-suspend': {
    mechanism: 'mmca-working-group',
    reason: 'Meetings cancelled as a countermeasure',
    effective: '2022-08-05T00:00:00.000Z',
  },
  'mechanism-resume': { mechanism: 'mmca-working-group', note: 'Resumed as agreed at Woodside, 15 Nov 2023' },
  checkpoint: { note, size: 42, root },
  cosign: { checkpoint: cosigned, for: 'us-js' },
  receipt: {},
  'link-check': { kind: 'operator', nonce: 'QUR769MHZSk31mcU7hgpSQ', answerWithinSeconds: 600 },
  'link-check-answer': { check: a, nonce: 'QUR769MHZSk31mcU7hgpSQ', by: 'Maj. Chen, duty officer' },
  message: {
    precedence: 'IMMEDIATE',
    subject: 'Request for a chiefs-of-defence video teleconference',
    text: 'The Chairman proposes a video teleconference with General Liu Zhenli.\nSlots follow by request.',
    language: 'en',
    marking: 'UNCLASSIFIED',
    serial: 17,
    attachments: [attachment],
    translation: { language: 'zh-Hans', text: '参联会主席提议与刘振立上将举行视频通话。' },
    release: { drafter: 'Capt. Miller', releaser: 'Col. Hayes', emergency: false },
  },
  'message-ack': { message: a, by: 'Sr. Col. Wang, duty officer' },
  'message-unread': { message: a, reason: 'unreadable', note: 'Attachment truncated; please resend' },
  translation: { message: a, language: 'zh-Hans', text: '请求举行视频通话。', official: true },
  request: {
    mechanism: 'chods-vtc',
    kind: 'video-teleconference',
    subject: 'Chiefs-of-defence video teleconference',
    language: 'en',
    principals: { requester: [brown], responder: [liu] },
    slots: [slot, { ...slot, start: '2023-12-22T13:00:00.000Z' }],
    agenda: ['Managing competition responsibly', 'Open lines of communication'],
    deadline: '2023-12-20T13:00:00.000Z',
  },
  'request-accept': { request: a, slot: 0 },
  'request-decline': { request: a, reason: 'The conditions for this call are not met' },
  'request-counter': { request: a, slots: [slot], note: 'The responder proposes one slot' },
  'request-withdraw': { request: a, reason: 'Overtaken by events' },
  meeting: {
    request: a,
    mechanism: 'chods-vtc',
    kind: 'video-teleconference',
    start: '2023-12-21T13:00:00.000Z',
    durationMinutes: 60,
    participants: [brown, liu],
    medium: 'video-teleconference',
  },
  'meeting-confirm': { meeting: b },
  'meeting-postpone': { meeting: b, reason: 'Principal travelling', newSlots: [slot] },
  'meeting-cancel': { meeting: b, reason: 'Cancelled by the requester' },
  readout: {
    meeting: b,
    title: 'Readout of the video teleconference',
    text: 'Both sides stressed keeping open and direct lines of communication.',
    language: 'en',
    visibility: 'public',
  },
  'commitment-propose': {
    text: 'Resume telephone conversations between theater commanders',
    language: 'en',
    sourceMeeting: b,
    due: '2024-06-30',
  },
  'commitment-agree': { commitment: c },
  'commitment-status': {
    commitment: c,
    status: 'implemented',
    note: 'INDOPACOM–Southern Theater call held',
    evidence: [d],
  },
  'incident-report': {
    time: '2023-10-24T13:30:00.000Z',
    position: { lat: 15.1, lon: 114.6, description: 'South China Sea (illustrative)' },
    domain: 'air',
    units: { reporter: [{ name: 'B-52H', type: 'Bomber' }], other: [{ name: 'J-11', type: 'Fighter' }] },
    closestApproachMeters: 3,
    altitudeMeters: 9000,
    behaviours: ['close-approach', 'unsafe-closure-rate'],
    narrative: 'At night the fighter closed to about 10 feet (reported).',
    language: 'en',
    attachments: [],
  },
  'incident-response': { incident: d, response: 'contest', account: 'The intercept followed safe practice.' },
  notification: {
    format: 'missile-launch',
    language: 'en',
    data: {
      missileCategory: 'space-launch-vehicle',
      purpose: 'space-launch',
      launchWindowStart: '2024-01-10T02:00:00.000Z',
      launchWindowEnd: '2024-01-10T04:00:00.000Z',
      launchArea: { centre: { lat: 28.2, lon: 102.0 }, radiusKm: 5 },
      impactArea: {
        polygon: [
          { lat: 10, lon: 130 },
          { lat: 10, lon: 131 },
          { lat: 11, lon: 131 },
        ],
      },
    },
  },
  'notification-ack': { notification: c, by: 'Duty officer' },
};
