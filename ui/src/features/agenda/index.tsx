import { lazy, Suspense } from 'react';
import { Loading } from '../../components/Loading';
import type { User } from '../auth';
import { agendaText } from './strings';

export { agendaText };
export const AGENDA_PATH = '/agenda';

// Its own chunk: the monitor's and the technicians' first load do not carry it.
const Agenda = lazy(() => import('./AgendaPage'));

/** The agenda page; its heading is outside the chunk so the shell can focus it at once. */
export function AgendaRoute({ user }: { user: User }) {
  return (
    <div className="page agenda-page">
      <div className="page-header">
        <div>
          <h1 tabIndex={-1} data-page-heading>
            {agendaText.title}
          </h1>
          <p className="page-intro">{agendaText.intro}</p>
        </div>
      </div>
      <Suspense fallback={<Loading label={agendaText.loadingPage} />}>
        <Agenda key={user.id} user={user} />
      </Suspense>
    </div>
  );
}
