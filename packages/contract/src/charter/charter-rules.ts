/** Rules across a charter's fields, beyond the shape of each one. */
import type { z } from 'zod';
import { precedences } from '../entries/common.js';

interface CharterShape {
  proposer: string;
  members: { id: string; key: string }[];
  languages: string[];
  handlingTargets: Record<(typeof precedences)[number], number>;
  linkChecks: { intervalMinutes: number; answerWithinMinutes: number };
  mechanisms: { id: string; counterparts: { party: string }[] }[];
  glossary: { terms: Record<string, string> }[];
  notificationFormats: { id: string }[];
}

export function charterRules(c: CharterShape, ctx: z.RefinementCtx): void {
  const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const ids = new Set(c.members.map((m) => m.id));
  const keys = new Set<string>();
  c.members.forEach((m, i) => {
    const before = c.members[i - 1];
    if (before !== undefined && !(before.id < m.id))
      issue(['members', i, 'id'], 'members are sorted by id, without duplicates');
    if (keys.has(m.key)) issue(['members', i, 'key'], 'another member has this key');
    keys.add(m.key);
  });
  if (!ids.has(c.proposer)) issue(['proposer'], 'the proposer is a member');
  for (const [i, p] of precedences.slice(1).entries()) {
    const faster = precedences[i] ?? p;
    if (c.handlingTargets[p] < c.handlingTargets[faster])
      issue(['handlingTargets', p], `a target is no shorter than ${faster}'s`);
  }
  if (c.linkChecks.answerWithinMinutes > c.linkChecks.intervalMinutes)
    issue(['linkChecks', 'answerWithinMinutes'], 'a check is answered before the next one is due');
  const mechanismIds = new Set<string>();
  c.mechanisms.forEach((m, i) => {
    if (mechanismIds.has(m.id)) issue(['mechanisms', i, 'id'], `duplicate mechanism ${m.id}`);
    mechanismIds.add(m.id);
    m.counterparts.forEach((cp, j) => {
      if (!ids.has(cp.party)) issue(['mechanisms', i, 'counterparts', j, 'party'], 'not a member');
    });
  });
  c.glossary.forEach((g, i) => {
    for (const lang of Object.keys(g.terms))
      if (!c.languages.includes(lang)) issue(['glossary', i, 'terms', lang], 'not a language of the channel');
  });
  const formatIds = new Set<string>();
  c.notificationFormats.forEach((f, i) => {
    if (formatIds.has(f.id)) issue(['notificationFormats', i, 'id'], `duplicate format ${f.id}`);
    formatIds.add(f.id);
  });
}
