import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  behaviourCodes as contractCodes,
  engagementKinds as contractKinds,
  behaviourLabels as contractLabels,
} from '@parley/contract';
import { behaviourCodes, behaviourLabels, engagementKinds } from '../i18n/behaviours.js';

it("the console's behaviours checklist is the contract's, codes and labels", () => {
  assert.deepEqual([...behaviourCodes], [...contractCodes]);
  assert.deepEqual(behaviourLabels, contractLabels);
});

it("the console's engagement kinds are the contract's", () => {
  assert.deepEqual([...engagementKinds], [...contractKinds]);
});
