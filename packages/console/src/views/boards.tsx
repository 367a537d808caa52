import type { ReactNode } from 'react';
import type { Row } from '../api/engagement.js';
import { useApp } from '../app/context.js';
import { Board, cell, field } from '../ui/board.js';
import { CommitmentForm, NotificationForm } from './forms.js';

// The boards of E's per-channel list routes (commitments, notifications).

type Claims = Record<string, { status: string; time: string } | undefined>;

const claimOf = (row: Row, mine: boolean, party: string) => {
  const claims = (row.claims ?? {}) as Claims;
  const entries = Object.entries(claims).filter(([side]) => (side === party) === mine);
  if (entries.length === 0) return '—';
  return entries.map(([side, c]) => `${mine ? '' : `${side}: `}${c?.status ?? '—'}`).join(' · ');
};

export const Commitments = () => (
  <>
    <Write permission="commitments.write">
      <CommitmentForm />
    </Write>
    <Board
      title="commit.title"
      area="commitments"
      testid="commitments"
      permission="commitments.write"
      actions={(r, party) =>
        r.state === 'proposed' && r.author !== party && !((r.agreedBy ?? []) as string[]).includes(party)
          ? [{ label: 'commit.agree', type: 'commitment-agree', body: { commitment: r.id } }]
          : []
      }
      columns={[
        { label: 'msg.text', render: field('text') },
        { label: 'msg.due', render: field('due') },
        { label: 'msg.state', render: (r) => `${cell(r.state)}${r.divergent ? ' ⚠' : ''}` },
        { label: 'commit.ourStatus', render: (r, c) => claimOf(r, true, c.party) },
        { label: 'commit.theirStatus', render: (r, c) => claimOf(r, false, c.party) },
      ]}
    />
  </>
);

export const Notifications = () => (
  <>
    <Write permission="notifications.write">
      <NotificationForm />
    </Write>
    <Board
      title="notif.title"
      area="notifications"
      testid="notifications"
      permission="notifications.write"
      actions={(r, party) =>
        ((r.awaiting ?? []) as string[]).includes(party)
          ? [{ label: 'msg.ack', type: 'notification-ack', body: { notification: r.id } }]
          : []
      }
      columns={[
        { label: 'msg.dtg', render: field('time') },
        { label: 'notif.format', render: field('format') },
        { label: 'msg.text', render: field('data') },
        { label: 'msg.from', render: field('author') },
        { label: 'eng.deadline', render: field('ackDeadline') },
        { label: 'msg.state', render: (r, c) => (r.overdue ? c.t('msg.overdue') : cell(r.awaiting)) },
      ]}
    />
  </>
);

/** Shows its form only to those holding the permission (the node refuses the others anyway). */
function Write({
  permission,
  children,
}: {
  permission: 'commitments.write' | 'notifications.write';
  children: ReactNode;
}) {
  const { can } = useApp();
  return can(permission) ? children : null;
}
