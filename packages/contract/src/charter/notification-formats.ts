/**
 * The default notification formats of a charter, after the 2014 US–China MOU
 * on notification of major military activities and its 2015 annex, and the
 * practice of ballistic missile launch notification.
 */
import { limits } from '../limits.js';
import { area, count, forces, formatSchema, longText, text, time } from './format-parts.js';

export const majorMilitaryActivityFormat = {
  id: 'major-military-activity',
  names: { en: 'Notification of major military activity', 'zh-Hans': '重大军事行动通报' },
  ackWithinHours: 24,
  schema: formatSchema('Major military activity', ['activityType', 'description', 'start', 'end', 'area'], {
    activityType: { enum: ['exercise', 'deployment', 'patrol', 'weapons-test', 'live-fire', 'other'] },
    description: longText,
    start: time,
    end: time,
    area,
    forces,
    observersInvited: { type: 'boolean' },
    contact: text,
  }),
};

export const missileLaunchFormat = {
  id: 'missile-launch',
  names: { en: 'Missile launch notification', 'zh-Hans': '导弹发射通报' },
  ackWithinHours: 1,
  schema: formatSchema(
    'Missile launch',
    ['missileCategory', 'purpose', 'launchWindowStart', 'launchWindowEnd', 'launchArea', 'impactArea'],
    {
      missileCategory: {
        enum: [
          'ballistic-short-range',
          'ballistic-medium-range',
          'ballistic-intermediate-range',
          'ballistic-intercontinental',
          'submarine-launched-ballistic',
          'cruise',
          'hypersonic-glide',
          'space-launch-vehicle',
          'other',
        ],
      },
      purpose: { enum: ['test', 'training', 'space-launch', 'other'] },
      launchWindowStart: time,
      launchWindowEnd: time,
      launchArea: area,
      impactArea: area,
      count: { ...count, minimum: 1 },
      remarks: longText,
    },
  ),
};

export const exerciseFormat = {
  id: 'exercise',
  names: { en: 'Notification of military exercise', 'zh-Hans': '军事演习通报' },
  ackWithinHours: 24,
  schema: formatSchema('Military exercise', ['name', 'exerciseType', 'start', 'end', 'area', 'forces'], {
    name: text,
    exerciseType: {
      enum: ['command-post', 'field-training', 'live-fire', 'maritime', 'air', 'amphibious', 'combined', 'other'],
    },
    start: time,
    end: time,
    area,
    forces,
    participatingParties: { type: 'array', uniqueItems: true, maxItems: limits.listItems, items: text },
    personnel: count,
    observersInvited: { type: 'boolean' },
    description: longText,
  }),
};

/** The three formats a new charter carries unless its members agree otherwise. */
export function defaultNotificationFormats() {
  return structuredClone([majorMilitaryActivityFormat, missileLaunchFormat, exerciseFormat]);
}
