import { useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import { Banner } from '../../components/Banner';
import { Loading } from '../../components/Loading';
import { PullToRefresh } from '../../components/PullToRefresh';
import { useNow } from '../../lib/clock';
import { pendingReferencias } from '../../lib/atendimentos';
import type { ClientEventName } from '../../lib/events';
import { socketLayer, useConnectionState } from '../../lib/socket';
import { useAsync } from '../../lib/use-async';
import type { User } from '../auth';
import { PdfViewButton } from '../pdf';
import { agendaRange, dayTag, groupAgenda, PAST_DAYS, pdfText, whenText, FUTURE_DAYS } from './agenda';
import { fetchAtendimentos } from './api';
import { tecnicoText as t } from './strings';
import './tecnico.css';
import type { Atendimento } from './types';

/** Coming back to the app (a phone unlocked, a tab shown) after this long fetches the list again. */
const REFRESH_ON_RETURN_MS = 60_000;
const MORE_PAST_DAYS = 30;
/** Not in lib/events.ts's map yet; only its arrival matters here. */
const ATENDIMENTO_UPDATED = 'atendimento:updated' as string as ClientEventName;

/** "Meus atendimentos": the technician's agenda, phone-first. Admins may open it too and see everyone's. */
export function TecnicoHome({ user }: { user: User }) {
  const [pastDays, setPastDays] = useState(PAST_DAYS);
  const now = useNow(60_000);
  // The window moves only when the day (or the past asked for) changes, not every minute.
  const range = agendaRange(now, pastDays);
  const list = useAsync((signal) => fetchAtendimentos(range, signal), [range.from, range.to]);
  const groups = useMemo(() => groupAgenda(list.data ?? [], now), [list.data, now]);
  const loadedAt = useRef(0);
  const { reload } = list;

  useEffect(() => {
    if (list.data) loadedAt.current = Date.now();
  }, [list.data]);

  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible' && Date.now() - loadedAt.current > REFRESH_ON_RETURN_MS) reload();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [reload]);

  // Live: an atendimento created, edited or re-assigned (an admin's "escalar
  // equipe") fetches the list again; so does a live connection that came back,
  // since events sent while it was down are lost. The payload is not read:
  // the list's date window decides what is shown.
  useEffect(() => socketLayer().on(ATENDIMENTO_UPDATED, () => reload()), [reload]);
  const connection = useConnectionState();
  const wasConnected = useRef(connection === 'connected');
  useEffect(() => {
    if (connection === 'connected' && !wasConnected.current) reload();
    wasConnected.current = connection === 'connected';
  }, [connection, reload]);

  const name = user.nome || user.login;

  return (
    <PullToRefresh onRefresh={reload} busy={list.loading}>
      <div className="page tecnico">
        <div className="page-header">
          <div>
            <h1 tabIndex={-1} data-page-heading>
              {t.title}
            </h1>
            <p className="page-intro">{user.role === 'admin' ? t.adminIntro : t.greeting(name)}</p>
          </div>
          <button type="button" className="button" onClick={reload}>
            {t.refresh}
          </button>
        </div>

        {list.error ? (
          <Banner tone="error" title={t.loadFailed} action={<button type="button" className="button button-small" onClick={reload}>{t.retry}</button>}>
            {list.error.message}
          </Banner>
        ) : null}
        {!list.data && list.loading ? <Loading label={t.loading} /> : null}

        {list.data ? (
          <>
            <AgendaSection title={t.upcoming} items={groups.upcoming} now={now} empty={t.upcomingEmpty(FUTURE_DAYS)} />
            <AgendaSection title={t.past} items={groups.past} now={now} empty={t.pastEmpty(pastDays)}>
              <button type="button" className="button" onClick={() => setPastDays((d) => d + MORE_PAST_DAYS)}>
                {t.morePast}
              </button>
            </AgendaSection>
          </>
        ) : null}
      </div>
    </PullToRefresh>
  );
}

function AgendaSection({ title, items, now, empty, children }: { title: string; items: Atendimento[]; now: number; empty: string; children?: ReactNode }) {
  const headingId = useId();
  return (
    <section className="agenda-section" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {title} <span className="agenda-count">({t.count(items.length)})</span>
      </h2>
      {items.length === 0 ? (
        <p className="agenda-empty">{empty}</p>
      ) : (
        <ul className="agenda-list">
          {items.map((a) => (
            <li key={a.id}>
              <AtendimentoCard a={a} now={now} />
            </li>
          ))}
        </ul>
      )}
      {children ? <div className="agenda-more">{children}</div> : null}
    </section>
  );
}

function AtendimentoCard({ a, now }: { a: Atendimento; now: number }) {
  const tag = dayTag(a, now);
  const titleId = useId();
  const team = a.tecnicos.map((x) => x.nome || x.login).join(', ');
  const awaited = pendingReferencias(a);
  return (
    <article className="agenda-card" aria-labelledby={titleId}>
      <p className="agenda-when num">
        <time dateTime={a.dataInicio}>{whenText(a)}</time>
        {tag ? <span className={`agenda-tag ${tag === t.ongoing ? 'agenda-tag-ongoing' : ''}`}>{tag}</span> : null}
      </p>
      <h3 id={titleId} className="agenda-title wrap-anywhere">
        {a.titulo}
      </h3>
      <dl className="agenda-facts">
        {a.cliente ? (
          <div>
            <dt>{t.client}</dt>
            <dd className="wrap-anywhere">{a.cliente}</dd>
          </div>
        ) : null}
        {a.local ? (
          <div>
            <dt>{t.place}</dt>
            <dd className="wrap-anywhere">{a.local}</dd>
          </div>
        ) : null}
        {team ? (
          <div>
            <dt>{t.team}</dt>
            <dd className="wrap-anywhere">{team}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t.documents}</dt>
          <dd>
            {a.pdfs.length === 0 && awaited.length === 0 ? (
              <span className="muted">{t.noDocuments}</span>
            ) : (
              <ul className="agenda-pdfs">
                {a.pdfs.map((p) => {
                  const pt = pdfText(p);
                  return (
                    <li key={p.id} className="tecnico-pdf">
                      <span className="agenda-pdf-name wrap-anywhere">{pt.name}</span>
                      <PdfViewButton pdf={p} compact label={pt.name} />
                    </li>
                  );
                })}
                {awaited.map((r) => (
                  <li key={`${r.tipo}/${r.numero}`} className="tecnico-pdf muted">
                    <span className="agenda-pdf-name wrap-anywhere">{t.awaiting(pdfText({ tipo: r.tipo, numero: r.numero, status: '' }).name)}</span>
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
      </dl>
    </article>
  );
}
