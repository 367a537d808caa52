/**
 * The incident report's behaviours checklist (codes and labels), copied from
 * @parley/contract (entries/behaviours.ts) so the console bundles no schema
 * code; src/test/behaviours.test.ts checks the copy against the contract.
 */
export const behaviourCodes = [
  'close-approach',
  'unsafe-closure-rate',
  'crossing-ahead',
  'dangerous-manoeuvre',
  'aerobatics',
  'simulated-attack',
  'aiming-weapons',
  'fire-control-radar',
  'illuminating-with-laser',
  'illuminating-with-searchlight',
  'flares-or-chaff',
  'dropping-objects',
  'interfering-with-operations',
  'failure-to-communicate',
  'other',
] as const;

export type BehaviourCode = (typeof behaviourCodes)[number];

export const behaviourLabels: Readonly<Record<BehaviourCode, { readonly en: string; readonly 'zh-Hans': string }>> = {
  'close-approach': { en: 'Approach within an unsafe distance', 'zh-Hans': '抵近至不安全距离' },
  'unsafe-closure-rate': { en: 'Unsafe speed or rate of closure', 'zh-Hans': '不安全的速度或接近速率' },
  'crossing-ahead': { en: 'Crossing ahead of the bow or nose', 'zh-Hans': '横越舰首或机头前方' },
  'dangerous-manoeuvre': { en: 'Dangerous manoeuvre', 'zh-Hans': '危险机动' },
  aerobatics: { en: 'Aerobatics in the vicinity', 'zh-Hans': '在附近进行特技飞行' },
  'simulated-attack': { en: 'Simulated attack', 'zh-Hans': '模拟攻击' },
  'aiming-weapons': {
    en: 'Aiming guns, missiles, torpedo tubes or other weapons',
    'zh-Hans': '以火炮、导弹、鱼雷发射管或其他武器瞄准',
  },
  'fire-control-radar': { en: 'Illuminating with fire-control radar', 'zh-Hans': '以火控雷达照射' },
  'illuminating-with-laser': { en: 'Illuminating with a laser', 'zh-Hans': '以激光照射' },
  'illuminating-with-searchlight': {
    en: 'Illuminating the bridge or cockpit with a searchlight',
    'zh-Hans': '以探照灯照射舰桥或驾驶舱',
  },
  'flares-or-chaff': {
    en: 'Discharging flares, chaff or signal rockets towards the unit',
    'zh-Hans': '朝对方发射照明弹、箔条或信号弹',
  },
  'dropping-objects': { en: 'Dropping or releasing objects in the path', 'zh-Hans': '在航路上投放或抛掷物体' },
  'interfering-with-operations': {
    en: 'Interfering with a formation, replenishment or flight operations',
    'zh-Hans': '干扰编队、补给或飞行作业',
  },
  'failure-to-communicate': {
    en: 'Failure to communicate on the agreed frequencies or signals',
    'zh-Hans': '未按约定频率或信号进行通信',
  },
  other: { en: 'Other (see narrative)', 'zh-Hans': '其他（见叙述）' },
};

/** The kinds of engagement a mechanism carries (contract entries/engagement.ts), for the charter amendment form. */
export const engagementKinds = ['call', 'video-teleconference', 'meeting', 'visit', 'working-group'] as const;
