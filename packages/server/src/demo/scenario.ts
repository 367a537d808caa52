/**
 * The demo's scenario: a reconstruction, from public reporting, of the
 * PRC–US military channel from August 2022 to September 2024
 * (../../../../../shared/scenario/FACTS.md is where the facts were gathered;
 * nothing reads that file). Every event names its public source and its
 * basis: `public` (a party's own public statement), `reported` (press or
 * government reporting, wording kept "reported"), or `illustrative`
 * (invented detail — times of day, positions, a request's exact date — so the
 * record can show what the reporting describes). Each side's words are its
 * own position, paraphrased in our words, never edited to favour a side.
 */
import type { Charter } from '@parley/contract';

export type Side = 'us-js' | 'cn-jsd';
export type Basis = 'public' | 'reported' | 'illustrative';

/** Roles of the demo users: one user per role per side, named `<prefix>-<role>` (us-operator, cn-admin…). */
export const demoRoles = ['operator', 'releaser', 'translator', 'analyst', 'admin'] as const;
export type DemoRole = (typeof demoRoles)[number];

/**
 * What an event does, through the running node's control API:
 * - `act`: one engagement entry (E's `act` operation); strings `@<event id>`
 *   anywhere in the body are replaced by that event's entry id;
 * - `send`: a hotline message, released by a second person when the
 *   charter's two-person rule applies to its precedence;
 * - `ack`: a person at `by` has read the message of event `message`.
 */
export type Action =
  | { op: 'act'; type: string; body: Record<string, unknown>; mark?: string }
  | { op: 'send'; precedence: 'FLASH' | 'IMMEDIATE' | 'PRIORITY' | 'ROUTINE'; subject: string; text: string }
  | { op: 'ack'; message: string };

export interface ScenarioEvent {
  /** Stable id: refs and resume use it. */
  id: string;
  /** When the entry is written (scenario time, UTC). */
  at: string;
  by: Side;
  /** The line printed as the event is replayed. */
  what: string;
  basis: Basis;
  source: string;
  action: Action;
  /**
   * The body field (top level; for arrays the last item) that carries the
   * reconstruction marker in the record itself; types without free text
   * (agree, accept, confirm) carry it only here and on screen.
   */
  mark?: string;
}

export const reconstruction = 'Reconstruction from public reporting';

/** The marker appended to an entry's free text: what this is and where it comes from. */
export function markerOf(e: ScenarioEvent): string {
  return `[${reconstruction} (${e.basis}); source: ${e.source}]`;
}

const both = (en: string, zh: string) => ({ en, 'zh-Hans': zh });

/** The mechanisms of the channel's charter, with their real origins in the names' notes. */
export const demoMechanisms: Charter['mechanisms'] = [
  {
    id: 'dtl',
    names: both('Defense Telephone Link', '中美两国国防部直通电话'),
    level: 2,
    kinds: ['call', 'video-teleconference'],
    counterparts: [
      { party: 'us-js', principal: 'Secretary of Defense' },
      { party: 'cn-jsd', principal: 'Minister of National Defense' },
    ],
    answerDeadlineHours: 48,
  },
  {
    id: 'chod-vtc',
    names: both('Chiefs-of-defence video teleconference', '两军高级将领视频通话'),
    level: 3,
    kinds: ['video-teleconference', 'call'],
    counterparts: [
      { party: 'us-js', principal: 'Chairman of the Joint Chiefs of Staff' },
      { party: 'cn-jsd', principal: 'Chief of the CMC Joint Staff Department' },
    ],
  },
  {
    id: 'dpct',
    names: both('Defense Policy Coordination Talks', '中美国防政策协调会谈'),
    level: 3,
    kinds: ['meeting'],
    counterparts: [
      { party: 'us-js', principal: 'Deputy Assistant Secretary of Defense for China' },
      { party: 'cn-jsd', principal: 'Director, Office for International Military Cooperation, CMC' },
    ],
  },
  {
    id: 'theater-commanders',
    names: both("Theater commanders' calls", '战区领导通话'),
    level: 4,
    kinds: ['call', 'video-teleconference'],
    counterparts: [
      { party: 'us-js', principal: 'Commander, US Indo-Pacific Command' },
      { party: 'cn-jsd', principal: 'Commander, PLA Southern Theater Command' },
    ],
  },
  {
    id: 'mmca',
    names: both('Military Maritime Consultative Agreement talks', '中美海上军事安全磋商机制'),
    level: 5,
    kinds: ['working-group', 'meeting'],
    counterparts: [
      { party: 'us-js', principal: 'US Indo-Pacific Command delegation' },
      { party: 'cn-jsd', principal: 'PLA Navy and Air Force delegation' },
    ],
  },
];

/** Agreements that are not dialogue mechanisms (no level), kept as the charter's glossary with their origins. */
export const demoGlossary: Charter['glossary'] = [
  {
    terms: both('Notification of major military activities (MOU)', '重大军事行动相互通报信任措施机制'),
    note: 'MOU of Nov 2014; crisis-notification annex Sep 2015',
  },
  {
    terms: both('Rules of behaviour for air and maritime encounters (MOU)', '海空相遇安全行为准则'),
    note: 'MOU of Nov 2014; air-to-air annex Sep 2015',
  },
  {
    terms: both('Code for Unplanned Encounters at Sea (CUES)', '海上意外相遇规则'),
    note: 'adopted by 21 navies, 22 Apr 2014',
  },
  {
    terms: both('Military Maritime Consultative Agreement (MMCA)', '中美海上军事磋商协定'),
    note: 'agreement of Jan 1998',
  },
  {
    terms: both('Defense Telephone Link', '国防部直通电话'),
    note: 'agreement signed 29 Feb 2008; first call 10 Apr 2008',
  },
];

const nameOf = (id: string) => demoMechanisms.find((m) => m.id === id)?.names.en ?? id;

export const channelName = 'PRC–US military channel (reconstruction from public reporting)';

const austin = { name: 'Lloyd J. Austin III', title: 'Secretary of Defense', party: 'us-js' };
const wei = { name: 'Wei Fenghe', title: 'Minister of National Defense', party: 'cn-jsd' };
const brown = { name: 'Gen. Charles Q. Brown Jr.', title: 'Chairman of the Joint Chiefs of Staff', party: 'us-js' };
const liu = { name: 'Gen. Liu Zhenli', title: 'Chief of the CMC Joint Staff Department', party: 'cn-jsd' };
const milley = { name: 'Gen. Mark A. Milley', title: 'Chairman of the Joint Chiefs of Staff', party: 'us-js' };
const jsdChief = { name: 'Chief of the Joint Staff Department', title: 'CMC Joint Staff Department', party: 'cn-jsd' };
const paparo = { name: 'Adm. Samuel J. Paparo', title: 'Commander, US Indo-Pacific Command', party: 'us-js' };
const wu = { name: 'Gen. Wu Yanan', title: 'Commander, PLA Southern Theater Command', party: 'cn-jsd' };
const utc = 'UTC';

const pentagonDec2023 = 'US Department of Defense statement, 21 Dec 2023';
const woodside = 'both governments’ readouts of the Woodside meeting, 15 Nov 2023';

/** The answer window of the scenario's operator link checks (seconds): the watch has an hour. */
export const operatorCheckWindow = 3600;
/** us-js's operator link checks during the freeze (Aug 2022 – Nov 2023), and after Woodside. Illustrative dates. */
export const freezeChecks = [
  '2022-09-14T12:00:00.000Z',
  '2022-12-14T12:00:00.000Z',
  '2023-03-15T12:00:00.000Z',
  '2023-06-14T12:00:00.000Z',
  '2023-09-13T12:00:00.000Z',
];
export const resumedChecks = ['2023-12-06T12:00:00.000Z', '2024-03-13T12:00:00.000Z', '2024-06-12T12:00:00.000Z'];

const events: ScenarioEvent[] = [
  {
    id: 'freeze-notice',
    at: '2022-08-05T10:00:00.000Z',
    by: 'cn-jsd',
    what: 'PRC announces countermeasures after the US House Speaker’s visit to Taiwan',
    basis: 'public',
    source: 'PRC foreign ministry statement, 5 Aug 2022 (time of day illustrative)',
    action: {
      op: 'send',
      precedence: 'PRIORITY',
      subject: 'Notice of countermeasures',
      text:
        'In response to the visit of the Speaker of the US House of Representatives to Taiwan, the PRC side cancels the ' +
        "China–US theater commanders' talks, the Defense Policy Coordination Talks and the Military Maritime " +
        'Consultative Agreement meetings, among other countermeasures (paraphrase).',
    },
  },
  {
    id: 'freeze-notice-ack',
    at: '2022-08-05T10:20:00.000Z',
    by: 'us-js',
    what: 'US watch officer acknowledges the notice',
    basis: 'illustrative',
    source: 'illustrative: shows a person’s acknowledgement',
    action: { op: 'ack', message: 'freeze-notice' },
  },
  ...(['theater-commanders', 'dpct', 'mmca'] as const).map(
    (mechanism, i): ScenarioEvent => ({
      id: `suspend-${mechanism}`,
      at: `2022-08-05T10:0${i + 1}:00.000Z`,
      by: 'cn-jsd',
      what: `PRC suspends the ${nameOf(mechanism)}`,
      basis: 'public',
      source: 'PRC foreign ministry statement, 5 Aug 2022',
      action: {
        op: 'act',
        type: 'mechanism-suspend',
        body: {
          mechanism,
          reason: 'Countermeasure after the US House Speaker’s visit to Taiwan',
          effective: '2022-08-05T10:00:00.000Z',
        },
      },
      mark: 'reason',
    }),
  ),
  {
    id: 'request-chod-2022',
    at: '2022-08-09T14:00:00.000Z',
    by: 'us-js',
    what: 'US requests a call between the chiefs of defence — no answer',
    basis: 'illustrative',
    source:
      'US DoD: Beijing "consistently denied or ignored" US requests at multiple levels (reported, 21 Dec 2023); this request’s date is illustrative',
    action: {
      op: 'act',
      type: 'request',
      body: {
        mechanism: 'chod-vtc',
        kind: 'call',
        subject: 'Call between the chiefs of defence',
        language: 'en',
        principals: { requester: [milley], responder: [jsdChief] },
        slots: [{ start: '2022-08-12T01:00:00.000Z', durationMinutes: 60, timeZone: utc }],
        agenda: ['Reducing the risk of miscalculation around Taiwan'],
        deadline: '2022-08-11T14:00:00.000Z',
      },
    },
    mark: 'agenda',
  },
  {
    id: 'request-ministers-2023',
    at: '2023-02-04T19:00:00.000Z',
    by: 'us-js',
    what: 'US requests a secure call between defence ministers after the balloon shoot-down',
    basis: 'reported',
    source: 'Pentagon statement (reported), Feb 2023; time of day illustrative',
    action: {
      op: 'act',
      type: 'request',
      body: {
        mechanism: 'dtl',
        kind: 'call',
        subject: 'Secure call between the defence ministers',
        language: 'en',
        principals: { requester: [austin], responder: [wei] },
        slots: [{ start: '2023-02-06T20:00:00.000Z', durationMinutes: 30, timeZone: utc }],
        agenda: ['The high-altitude balloon shot down on 4 Feb 2023'],
        deadline: '2023-02-06T19:00:00.000Z',
      },
    },
    mark: 'agenda',
  },
  {
    id: 'decline-ministers-2023',
    at: '2023-02-05T12:00:00.000Z',
    by: 'cn-jsd',
    what: 'PRC declines the call',
    basis: 'reported',
    source: 'Pentagon statement (reported), Feb 2023; wording of the reason illustrative',
    action: {
      op: 'act',
      type: 'request-decline',
      body: { request: '@request-ministers-2023', reason: 'The conditions for this call are not in place' },
    },
    mark: 'reason',
  },
  {
    id: 'incident-chung-hoon',
    at: '2023-06-04T02:00:00.000Z',
    by: 'us-js',
    what: 'US reports a PLA Navy destroyer crossing ahead of USS Chung-Hoon at about 150 yards',
    basis: 'reported',
    source: 'US Indo-Pacific Command statement, 3 Jun 2023 (reported); time and position illustrative',
    action: {
      op: 'act',
      type: 'incident-report',
      body: {
        time: '2023-06-03T08:00:00.000Z',
        position: { lat: 24.2, lon: 119.3, description: 'Taiwan Strait (position illustrative)' },
        domain: 'sea',
        units: {
          reporter: [{ name: 'USS Chung-Hoon', type: 'Arleigh Burke-class destroyer', hullOrTail: 'DDG-93' }],
          other: [{ name: 'PLA Navy destroyer', type: 'destroyer' }],
        },
        closestApproachMeters: 137,
        behaviours: ['crossing-ahead', 'close-approach'],
        narrative:
          'During a transit of the Taiwan Strait, a PLA Navy destroyer overtook USS Chung-Hoon and crossed its bow at ' +
          'about 150 yards (reported), forcing it to slow to avoid a collision.',
        language: 'en',
        attachments: [],
      },
    },
    mark: 'narrative',
  },
  {
    id: 'incident-chung-hoon-response',
    at: '2023-06-05T03:00:00.000Z',
    by: 'cn-jsd',
    what: 'PRC contests the report with its own account',
    basis: 'reported',
    source: 'PRC defence ministry and Eastern Theater Command statements, Jun 2023 (reported, paraphrase)',
    action: {
      op: 'act',
      type: 'incident-response',
      body: {
        incident: '@incident-chung-hoon',
        response: 'contest',
        account:
          'The PRC side’s stated position: the US and Canadian warships’ transit was a deliberate provocation, and ' +
          'PLA forces handled it lawfully and professionally (paraphrase).',
      },
    },
    mark: 'account',
  },
  {
    id: 'request-chod-2023',
    at: '2023-06-06T14:00:00.000Z',
    by: 'us-js',
    what: 'US requests a chiefs-of-defence call after the incident — no answer',
    basis: 'illustrative',
    source:
      'US DoD: requests "consistently denied or ignored" at multiple levels (reported, 21 Dec 2023); this request is illustrative',
    action: {
      op: 'act',
      type: 'request',
      body: {
        mechanism: 'chod-vtc',
        kind: 'call',
        subject: 'Call between the chiefs of defence on the 3 June encounter',
        language: 'en',
        principals: { requester: [milley], responder: [jsdChief] },
        slots: [{ start: '2023-06-09T01:00:00.000Z', durationMinutes: 60, timeZone: utc }],
        agenda: ['The encounter of 3 June 2023 in the Taiwan Strait'],
        deadline: '2023-06-08T14:00:00.000Z',
      },
    },
    mark: 'agenda',
  },
  {
    id: 'intercepts-statement',
    at: '2023-10-17T15:00:00.000Z',
    by: 'us-js',
    what: 'US: over 180 coercive and risky air intercepts since fall 2021',
    basis: 'reported',
    source: 'US Department of Defense, Oct 2023 (reported)',
    action: {
      op: 'send',
      precedence: 'ROUTINE',
      subject: 'Risky air intercepts of US aircraft, fall 2021 to fall 2023',
      text:
        'The US side counts over 180 coercive and risky air intercepts of US aircraft by PLA aircraft from fall 2021 ' +
        'to fall 2023 (reported), and asks that they be discussed through the mechanisms built for this.',
    },
  },
  {
    id: 'intercepts-statement-ack',
    at: '2023-10-17T17:00:00.000Z',
    by: 'cn-jsd',
    what: 'PRC watch officer acknowledges',
    basis: 'illustrative',
    source: 'illustrative: shows a person’s acknowledgement',
    action: { op: 'ack', message: 'intercepts-statement' },
  },
  {
    id: 'b52-message',
    at: '2023-10-26T12:00:00.000Z',
    by: 'us-js',
    what: 'US sends an IMMEDIATE message (two-person release) on the B-52 intercept',
    basis: 'reported',
    source: 'US Indo-Pacific Command statement, 26 Oct 2023 (reported); the message itself is illustrative',
    action: {
      op: 'send',
      precedence: 'IMMEDIATE',
      subject: 'Unsafe intercept of a US B-52 over the South China Sea, 24 Oct 2023',
      text:
        'At night on 24 October 2023 a PLA J-11 came within about 10 feet of a US B-52 over the South China Sea ' +
        '(reported). The US side reports the encounter through this channel; details follow as an incident report.',
    },
  },
  {
    id: 'b52-message-ack',
    at: '2023-10-26T12:25:00.000Z',
    by: 'cn-jsd',
    what: 'PRC watch officer acknowledges',
    basis: 'illustrative',
    source: 'illustrative: shows a person’s acknowledgement',
    action: { op: 'ack', message: 'b52-message' },
  },
  {
    id: 'incident-b52',
    at: '2023-10-26T13:00:00.000Z',
    by: 'us-js',
    what: 'US reports a J-11 within about 10 feet of a B-52 at night',
    basis: 'reported',
    source: 'US Indo-Pacific Command statement, 26 Oct 2023 (reported); time, position and altitude illustrative',
    action: {
      op: 'act',
      type: 'incident-report',
      body: {
        time: '2023-10-24T14:00:00.000Z',
        position: { lat: 15.5, lon: 115.0, description: 'South China Sea (position illustrative)' },
        domain: 'air',
        units: {
          reporter: [{ name: 'US Air Force B-52', type: 'B-52H' }],
          other: [{ name: 'PLA aircraft', type: 'J-11' }],
        },
        closestApproachMeters: 3,
        altitudeMeters: 9000,
        behaviours: ['close-approach', 'unsafe-closure-rate'],
        narrative:
          'At night over the South China Sea, a PLA J-11 flew with an uncontrolled excessive rate of closure and came ' +
          'within about 10 feet of a US B-52 conducting routine operations (reported).',
        language: 'en',
        attachments: [],
      },
    },
    mark: 'narrative',
  },
  ...[
    ['commit-mil-comm', 'Resume high-level military-to-military communication'],
    ['commit-dpct', 'Resume the Defense Policy Coordination Talks'],
    ['commit-mmca', 'Resume the Military Maritime Consultative Agreement meetings'],
    ['commit-theater', 'Resume telephone conversations between theater commanders'],
  ].flatMap(([id, text], i): ScenarioEvent[] => [
    {
      id: id!,
      at: `2023-11-16T0${i}:00:00.000Z`,
      by: 'us-js',
      what: `Woodside commitment recorded: ${text}`,
      basis: 'public',
      source: woodside,
      action: {
        op: 'act',
        type: 'commitment-propose',
        body: { text: `${text}, as the presidents agreed at Woodside on 15 Nov 2023.`, language: 'en' },
      },
      mark: 'text',
    },
    {
      id: `${id}-agree`,
      at: `2023-11-16T0${i}:30:00.000Z`,
      by: 'cn-jsd',
      what: 'PRC agrees the commitment as recorded',
      basis: 'public',
      source: woodside,
      action: { op: 'act', type: 'commitment-agree', body: { commitment: `@${id}` } },
    },
  ]),
  ...(['theater-commanders', 'dpct', 'mmca'] as const).map(
    (mechanism, i): ScenarioEvent => ({
      id: `resume-${mechanism}`,
      at: `2023-11-17T0${i}:00:00.000Z`,
      by: 'cn-jsd',
      what: `PRC resumes the ${nameOf(mechanism)}`,
      basis: 'public',
      source: `${woodside}; the date of this entry is illustrative`,
      action: {
        op: 'act',
        type: 'mechanism-resume',
        body: { mechanism, note: 'Resumption agreed at Woodside, 15 Nov 2023' },
      },
      mark: 'note',
    }),
  ),
  {
    id: 'request-vtc',
    at: '2023-12-14T15:00:00.000Z',
    by: 'us-js',
    what: 'US requests a video teleconference between the chiefs of defence',
    basis: 'public',
    source:
      'PRC Ministry of National Defense press release, 21 Dec 2023 ("at the request of the US side"); date of the request illustrative',
    action: {
      op: 'act',
      type: 'request',
      body: {
        mechanism: 'chod-vtc',
        kind: 'video-teleconference',
        subject: 'Video teleconference: Gen. Brown and Gen. Liu Zhenli',
        language: 'en',
        principals: { requester: [brown], responder: [liu] },
        slots: [{ start: '2023-12-21T13:00:00.000Z', durationMinutes: 60, timeZone: utc }],
        agenda: ['Resuming military-to-military communication', 'Managing competition responsibly'],
        deadline: '2023-12-16T15:00:00.000Z',
      },
    },
    mark: 'agenda',
  },
  {
    id: 'accept-vtc',
    at: '2023-12-15T09:00:00.000Z',
    by: 'cn-jsd',
    what: 'PRC accepts the slot of 21 Dec 2023',
    basis: 'public',
    source: 'PRC Ministry of National Defense press release, 21 Dec 2023; time of the answer illustrative',
    action: { op: 'act', type: 'request-accept', body: { request: '@request-vtc', slot: 0 } },
  },
  {
    id: 'meeting-vtc',
    at: '2023-12-21T14:05:00.000Z',
    by: 'us-js',
    what: 'Video teleconference held: Brown–Liu, the first high-level military dialogue in more than a year',
    basis: 'public',
    source: 'PRC Ministry of National Defense press release; US Joint Staff statement, 21 Dec 2023; times illustrative',
    action: {
      op: 'act',
      type: 'meeting',
      body: {
        request: '@request-vtc',
        mechanism: 'chod-vtc',
        kind: 'video-teleconference',
        start: '2023-12-21T13:00:00.000Z',
        durationMinutes: 60,
        participants: [brown, liu],
        medium: 'video-teleconference',
      },
    },
  },
  {
    id: 'meeting-vtc-confirm',
    at: '2023-12-21T14:30:00.000Z',
    by: 'cn-jsd',
    what: 'PRC confirms the meeting record',
    basis: 'public',
    source: 'PRC Ministry of National Defense press release, 21 Dec 2023',
    action: { op: 'act', type: 'meeting-confirm', body: { meeting: '@meeting-vtc' } },
  },
  {
    id: 'readout-vtc-cn',
    at: '2023-12-21T15:00:00.000Z',
    by: 'cn-jsd',
    what: 'PRC readout (paraphrase)',
    basis: 'public',
    source: 'PRC Ministry of National Defense press release, 21 Dec 2023 (our paraphrase)',
    action: {
      op: 'act',
      type: 'readout',
      body: {
        meeting: '@meeting-vtc',
        title: 'Readout of the video call between Gen. Liu Zhenli and Gen. Brown',
        text:
          'The key to healthy, stable military relations is a correct US perception of China and genuine respect for ' +
          'China’s core interests and major concerns. Taiwan is China’s internal affair. The US should respect ' +
          'China’s territorial sovereignty and maritime rights in the South China Sea, be prudent in words and deeds, ' +
          'and promote practical cooperation. (Our paraphrase; the PRC statement uses the word "respect" three times.)',
        language: 'en',
        visibility: 'public',
      },
    },
    mark: 'text',
  },
  {
    id: 'readout-vtc-us',
    at: '2023-12-21T16:00:00.000Z',
    by: 'us-js',
    what: 'US readout (paraphrase)',
    basis: 'public',
    source: `US Joint Staff statement and ${pentagonDec2023} (our paraphrase)`,
    action: {
      op: 'act',
      type: 'readout',
      body: {
        meeting: '@meeting-vtc',
        title: 'Readout of Gen. Brown’s video teleconference with Gen. Liu Zhenli',
        text:
          'The chairman stressed working together to manage competition responsibly, avoid miscalculation, and keep ' +
          'open and direct lines of communication. The Department of Defense added that Beijing had "consistently ' +
          'denied or ignored" US requests for defence engagements at multiple levels, and noted increasingly risky ' +
          'PLA behaviour. (Our paraphrase.)',
        language: 'en',
        visibility: 'public',
      },
    },
    mark: 'text',
  },
  {
    id: 'status-mil-comm-us',
    at: '2023-12-22T10:00:00.000Z',
    by: 'us-js',
    what: 'US: high-level military communication — implemented',
    basis: 'public',
    source: 'US Joint Staff statement, 21 Dec 2023',
    action: {
      op: 'act',
      type: 'commitment-status',
      body: {
        commitment: '@commit-mil-comm',
        status: 'implemented',
        note: 'Chiefs of defence held a video teleconference on 21 Dec 2023',
        evidence: ['@meeting-vtc'],
      },
    },
    mark: 'note',
  },
  {
    id: 'status-mil-comm-cn',
    at: '2023-12-22T11:00:00.000Z',
    by: 'cn-jsd',
    what: 'PRC: high-level military communication — on track ("a good start", uncertainty remains)',
    basis: 'public',
    source: 'commentary in PRC media, 22 Dec 2023 (our paraphrase)',
    action: {
      op: 'act',
      type: 'commitment-status',
      body: {
        commitment: '@commit-mil-comm',
        status: 'on-track',
        note: 'A good start for resuming other channels; the factors behind the freeze have not gone away; words and deeds must match',
        evidence: ['@meeting-vtc'],
      },
    },
    mark: 'note',
  },
  {
    id: 'meeting-dpct',
    at: '2024-01-10T22:00:00.000Z',
    by: 'us-js',
    what: 'Defense Policy Coordination Talks held in Washington',
    basis: 'reported',
    source: 'US Department of Defense (reported), Jan 2024; exact dates and times illustrative',
    action: {
      op: 'act',
      type: 'meeting',
      body: {
        mechanism: 'dpct',
        kind: 'meeting',
        start: '2024-01-09T14:00:00.000Z',
        durationMinutes: 1440,
        participants: [
          { name: 'US delegation', title: 'Office of the Secretary of Defense', party: 'us-js' },
          { name: 'PRC delegation', title: 'Office for International Military Cooperation, CMC', party: 'cn-jsd' },
        ],
        medium: 'in-person',
        location: 'Washington, DC',
      },
    },
  },
  {
    id: 'meeting-dpct-confirm',
    at: '2024-01-11T02:00:00.000Z',
    by: 'cn-jsd',
    what: 'PRC confirms the meeting record',
    basis: 'reported',
    source: 'US Department of Defense (reported), Jan 2024',
    action: { op: 'act', type: 'meeting-confirm', body: { meeting: '@meeting-dpct' } },
  },
  ...(['us-js', 'cn-jsd'] as const).map(
    (by, i): ScenarioEvent => ({
      id: `status-dpct-${by}`,
      at: `2024-01-11T0${i + 3}:00:00.000Z`,
      by,
      what: `${by}: DPCT — implemented`,
      basis: 'reported',
      source: 'US Department of Defense (reported), Jan 2024',
      action: {
        op: 'act',
        type: 'commitment-status',
        body: {
          commitment: '@commit-dpct',
          status: 'implemented',
          note: 'Talks held in Washington, Jan 2024',
          evidence: ['@meeting-dpct'],
        },
      },
      mark: 'note',
    }),
  ),
  {
    id: 'request-mmca',
    at: '2024-03-01T15:00:00.000Z',
    by: 'us-js',
    what: 'US proposes the MMCA working group in Honolulu',
    basis: 'illustrative',
    source: 'US Indo-Pacific Command, Apr 2024 (the working group); the request and its date are illustrative',
    action: {
      op: 'act',
      type: 'request',
      body: {
        mechanism: 'mmca',
        kind: 'working-group',
        subject: 'MMCA working group, Honolulu',
        language: 'en',
        principals: {
          requester: [{ name: 'US delegation', title: 'US Indo-Pacific Command', party: 'us-js' }],
          responder: [{ name: 'PRC delegation', title: 'PLA Navy and Air Force', party: 'cn-jsd' }],
        },
        slots: [{ start: '2024-04-03T19:00:00.000Z', durationMinutes: 1440, timeZone: 'Pacific/Honolulu' }],
        agenda: ['Review of operational encounters at sea and in the air', 'Safety of navigation and flight'],
        deadline: '2024-03-03T15:00:00.000Z',
      },
    },
    mark: 'agenda',
  },
  {
    id: 'accept-mmca',
    at: '2024-03-02T08:00:00.000Z',
    by: 'cn-jsd',
    what: 'PRC accepts',
    basis: 'illustrative',
    source: 'illustrative (the working group was held: US Indo-Pacific Command, Apr 2024)',
    action: { op: 'act', type: 'request-accept', body: { request: '@request-mmca', slot: 0 } },
  },
  {
    id: 'meeting-mmca',
    at: '2024-04-05T04:00:00.000Z',
    by: 'us-js',
    what: 'MMCA working group held in Honolulu (about 18 participants per side)',
    basis: 'public',
    source: 'US Indo-Pacific Command, Apr 2024; times illustrative',
    action: {
      op: 'act',
      type: 'meeting',
      body: {
        request: '@request-mmca',
        mechanism: 'mmca',
        kind: 'working-group',
        start: '2024-04-03T19:00:00.000Z',
        durationMinutes: 2880,
        participants: [
          { name: 'US delegation (about 18 participants)', title: 'US Indo-Pacific Command', party: 'us-js' },
          { name: 'PRC delegation (about 18 participants)', title: 'PLA Navy and Air Force', party: 'cn-jsd' },
        ],
        medium: 'in-person',
        location: 'Honolulu, Hawaii',
      },
    },
  },
  {
    id: 'meeting-mmca-confirm',
    at: '2024-04-05T06:00:00.000Z',
    by: 'cn-jsd',
    what: 'PRC confirms the meeting record',
    basis: 'public',
    source: 'US Indo-Pacific Command, Apr 2024',
    action: { op: 'act', type: 'meeting-confirm', body: { meeting: '@meeting-mmca' } },
  },
  ...(['us-js', 'cn-jsd'] as const).map(
    (by, i): ScenarioEvent => ({
      id: `status-mmca-${by}`,
      at: `2024-04-05T0${i + 7}:00:00.000Z`,
      by,
      what: `${by}: MMCA meetings — implemented`,
      basis: 'public',
      source: 'US Indo-Pacific Command, Apr 2024',
      action: {
        op: 'act',
        type: 'commitment-status',
        body: {
          commitment: '@commit-mmca',
          status: 'implemented',
          note: 'Working group held in Honolulu, 3–4 Apr 2024',
          evidence: ['@meeting-mmca'],
        },
      },
      mark: 'note',
    }),
  ),
  {
    id: 'request-theater-2024',
    at: '2024-08-28T15:00:00.000Z',
    by: 'us-js',
    what: 'US requests a theater commanders’ video call',
    basis: 'illustrative',
    source: 'US readout of the call, Sep 2024 (reported); the request and its date are illustrative',
    action: {
      op: 'act',
      type: 'request',
      body: {
        mechanism: 'theater-commanders',
        kind: 'video-teleconference',
        subject: 'Video call: INDOPACOM and Southern Theater Command',
        language: 'en',
        principals: { requester: [paparo], responder: [wu] },
        slots: [{ start: '2024-09-10T01:00:00.000Z', durationMinutes: 60, timeZone: utc }],
        agenda: ['Regional security', 'Safety of operations in the South China Sea'],
        deadline: '2024-08-30T15:00:00.000Z',
      },
    },
    mark: 'agenda',
  },
  {
    id: 'accept-theater-2024',
    at: '2024-08-29T09:00:00.000Z',
    by: 'cn-jsd',
    what: 'PRC accepts',
    basis: 'illustrative',
    source: 'illustrative (the call was held: US readout, Sep 2024)',
    action: { op: 'act', type: 'request-accept', body: { request: '@request-theater-2024', slot: 0 } },
  },
  {
    id: 'meeting-theater-2024',
    at: '2024-09-10T02:15:00.000Z',
    by: 'us-js',
    what: 'Theater commanders’ video call held (9–10 Sep 2024)',
    basis: 'public',
    source: 'US readout, Sep 2024; times illustrative',
    action: {
      op: 'act',
      type: 'meeting',
      body: {
        request: '@request-theater-2024',
        mechanism: 'theater-commanders',
        kind: 'video-teleconference',
        start: '2024-09-10T01:00:00.000Z',
        durationMinutes: 60,
        participants: [paparo, wu],
        medium: 'video-teleconference',
      },
    },
  },
  {
    id: 'meeting-theater-2024-confirm',
    at: '2024-09-10T03:00:00.000Z',
    by: 'cn-jsd',
    what: 'PRC confirms the meeting record',
    basis: 'public',
    source: 'US readout, Sep 2024',
    action: { op: 'act', type: 'meeting-confirm', body: { meeting: '@meeting-theater-2024' } },
  },
  {
    id: 'readout-theater-2024-us',
    at: '2024-09-10T04:00:00.000Z',
    by: 'us-js',
    what: 'US readout (paraphrase)',
    basis: 'reported',
    source: 'US Indo-Pacific Command readout, Sep 2024 (our paraphrase)',
    action: {
      op: 'act',
      type: 'readout',
      body: {
        meeting: '@meeting-theater-2024',
        title: 'Readout of the theater commanders’ video call',
        text:
          'The commanders discussed regional security issues. The US commander urged the PLA to reconsider its use of ' +
          'dangerous, coercive and potentially escalatory tactics in the South China Sea and elsewhere, and called ' +
          'for continued, direct communication between the commands. (Our paraphrase.)',
        language: 'en',
        visibility: 'public',
      },
    },
    mark: 'text',
  },
  ...(['us-js', 'cn-jsd'] as const).map(
    (by, i): ScenarioEvent => ({
      id: `status-theater-${by}`,
      at: `2024-09-10T0${i + 5}:00:00.000Z`,
      by,
      what: `${by}: theater commanders’ calls — implemented`,
      basis: 'public',
      source: 'US readout, Sep 2024',
      action: {
        op: 'act',
        type: 'commitment-status',
        body: {
          commitment: '@commit-theater',
          status: 'implemented',
          note: 'INDOPACOM–Southern Theater video call, 9–10 Sep 2024',
          evidence: ['@meeting-theater-2024'],
        },
      },
      mark: 'note',
    }),
  ),
  // Operator link checks: a person at us-js asks whether anyone is on watch at cn-jsd. During the
  // freeze they stay unanswered although cn-jsd's node stores them (political silence, not a dead
  // line); after Woodside cn-jsd's watch officer answers. Dates and times are illustrative.
  ...freezeChecks.map(
    (at, i): ScenarioEvent => ({
      id: `link-check-freeze-${i + 1}`,
      at,
      by: 'us-js',
      what: `US operator link check ${i + 1} during the freeze — stored by cn-jsd, no answer`,
      basis: 'illustrative',
      source: `${pentagonDec2023}: requests for communication "consistently denied or ignored" (reported); the check and its date are illustrative`,
      action: { op: 'act', type: 'link-check', body: { kind: 'operator', answerWithinSeconds: operatorCheckWindow } },
    }),
  ),
  ...resumedChecks.flatMap((at, i): ScenarioEvent[] => [
    {
      id: `link-check-resumed-${i + 1}`,
      at,
      by: 'us-js',
      what: `US operator link check ${i + 1} after Woodside`,
      basis: 'illustrative',
      source: `${woodside}: military communication to resume; the check and its date are illustrative`,
      action: { op: 'act', type: 'link-check', body: { kind: 'operator', answerWithinSeconds: operatorCheckWindow } },
    },
    {
      id: `link-check-resumed-${i + 1}-answer`,
      at: new Date(Date.parse(at) + 6 * 60_000).toISOString(),
      by: 'cn-jsd',
      what: `cn-jsd watch officer answers US operator link check ${i + 1}`,
      basis: 'illustrative',
      source: `${woodside}; the answer and its time are illustrative`,
      action: { op: 'act', type: 'link-check-answer', body: { check: `@link-check-resumed-${i + 1}` } },
    },
  ]),
];

/** The events, in the order they happened (a stable sort by time). */
export const scenarioEvents: readonly ScenarioEvent[] = events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));

/** Where the scenario clock starts: before the first event, leaving time to set the channel up. */
export const scenarioStart = '2022-07-20T00:00:00.000Z';

/** Printed before the replay, and in the docs: the one event before the channel existed. */
export const prologue =
  'Prologue (not in the record): in April 2001, after the EP-3 collision, US attempts to reach PRC leaders by phone ' +
  'went unanswered (reported: 12 attempts; Christian Science Monitor, 3 Mar 2023).';
