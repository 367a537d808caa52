import type { ReactNode } from 'react';
import { AdminAudit } from '../views/admin-audit.js';
import { AdminUsers } from '../views/admin-users.js';
import { Commitments, Notifications } from '../views/boards.js';
import { Compose } from '../views/compose.js';
import { Engagements } from '../views/engagements.js';
import { Incidents } from '../views/incidents.js';
import { Mechanisms } from '../views/mechanisms.js';
import { MessageView } from '../views/message-view.js';
import { MetricsView } from '../views/metrics.js';
import { Readouts } from '../views/readouts.js';
import { RecordExplorer } from '../views/record.js';
import { ReleaseQueue } from '../views/release-queue.js';
import { WatchFloor } from '../views/watch-floor.js';
import type { AppContext } from './context.js';
import { navItems } from './nav.js';

const views: Record<string, () => ReactNode> = {
  '/watch': () => <WatchFloor />,
  '/compose': () => <Compose />,
  '/release': () => <ReleaseQueue />,
  '/engagements': () => <Engagements />,
  '/readouts': () => <Readouts />,
  '/commitments': () => <Commitments />,
  '/incidents': () => <Incidents />,
  '/notifications': () => <Notifications />,
  '/mechanisms': () => <Mechanisms />,
  '/metrics': () => <MetricsView />,
  '/record': () => <RecordExplorer />,
  '/admin/users': () => <AdminUsers />,
  '/admin/audit': () => <AdminAudit />,
};

/** The view of a path, if the user's permissions allow it (the node checks again on every call). */
export function routeView(path: string, ctx: AppContext): ReactNode {
  const message = /^\/messages\/([^/]+)\/([^/]+)$/.exec(path);
  if (message && ctx.can('messages.read')) {
    const [, channel, id] = message;
    return <MessageView key={path} channel={decodeURIComponent(channel!)} id={decodeURIComponent(id!)} />;
  }
  const item = navItems.find((n) => n.path === path);
  const view = views[path];
  if (!item || !view || !ctx.can(item.permission)) return <p>{ctx.t('app.notFound')}</p>;
  return view();
}
