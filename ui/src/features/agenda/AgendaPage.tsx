import { useCallback, useId, useMemo, useState } from 'react';
import { Banner } from '../../components/Banner';
import { Loading } from '../../components/Loading';
import { useNow } from '../../lib/clock';
import { navigate, useLocation } from '../../lib/router';
import { useConnectionState } from '../../lib/socket';
import { liveText } from '../../lib/strings';
import type { User } from '../auth';
import { AtendimentoDialog } from './AtendimentoDialog';
import { isDayKey, spanOf, stepView, todayKey, viewDays, viewTitle, type DayKey } from './calendar';
import { DayView } from './DayView';
import { entriesByDay, isFiltered, linkedIds, matchesAtendimento, matchesPdf, NO_FILTER, type AgendaFilter } from './entries';
import { Filters } from './Filters';
import { MonthView } from './MonthView';
import { PdfDialog } from './PdfDialog';
import { agendaText as t } from './strings';
import type { AgendaView, Atendimento, IndexedPdf } from './types';
import { useAgenda } from './use-agenda';
import { WeekView } from './WeekView';
import './agenda.css';

const VIEWS: AgendaView[] = ['month', 'week', 'day'];

type Open = { kind: 'atendimento'; id: number; notice?: string } | { kind: 'pdf'; pdf: IndexedPdf } | null;

/** Below this width a month cell has room for a count only: the agenda opens on the week, a list of days. */
const NARROW = '(max-width: 700px)';

/** The view and day live in the URL (?v=week&d=2026-12-03): back from a PDF returns to the same place. */
function useViewState(today: DayKey) {
  const { search } = useLocation();
  const params = new URLSearchParams(search);
  const v = params.get('v');
  const d = params.get('d');
  const [initial] = useState<AgendaView>(() => (window.matchMedia?.(NARROW).matches ? 'week' : 'month'));
  const view: AgendaView = VIEWS.includes(v as AgendaView) ? (v as AgendaView) : initial;
  const date: DayKey = isDayKey(d) ? d : today;
  const go = useCallback((next: { view?: AgendaView; date?: DayKey }) => {
    const p = new URLSearchParams(window.location.search);
    if (next.view) p.set('v', next.view);
    if (next.date) p.set('d', next.date);
    navigate(`${window.location.pathname}?${p.toString()}`, { replace: true });
  }, []);
  return { view, date, go };
}

export default function AgendaPage({ user }: { user: User }) {
  const admin = user.role === 'admin';
  const today = todayKey(useNow(60_000));
  const { view, date, go } = useViewState(today);
  const [filter, setFilter] = useState<AgendaFilter>(NO_FILTER);
  const [open, setOpen] = useState<Open>(null);
  const titleId = useId();

  const days = useMemo(() => viewDays(view, date), [view, date]);
  const range = useMemo(() => ({ from: days[0]!, to: days[days.length - 1]! }), [days]);
  const data = useAgenda(range, { admin, userId: user.id ?? 0 });
  const connection = useConnectionState();

  const all = data.atendimentos ?? [];
  const linked = useMemo(() => linkedIds(all), [all]);
  // Linked to an atendimento on screen: shown inside it (and the live list says
  // whether it still is). Linked to one outside the period: not "a escalar" either.
  const freePdfs = useMemo(() => {
    const onScreen = new Set(all.map((a) => a.id));
    return data.pdfs.filter((p) => !linked.has(p.id) && (p.atendimentoId == null || onScreen.has(p.atendimentoId)));
  }, [data.pdfs, linked, all]);
  const shownA = useMemo(() => all.filter((a) => matchesAtendimento(a, filter)), [all, filter]);
  const shownP = useMemo(() => freePdfs.filter((p) => matchesPdf(p, filter)), [freePdfs, filter]);
  const byDay = useMemo(() => entriesByDay(days, shownA, shownP), [days, shownA, shownP]);
  const inView = useMemo(() => {
    const visible = view === 'month' ? days.filter((d) => d.slice(0, 7) === date.slice(0, 7)) : days;
    const set = new Set(visible);
    const aCount = shownA.filter((a) => {
      const s = spanOf(a);
      return s && visible.some((d) => d >= s.start && d <= s.end);
    }).length;
    return { a: aCount, p: shownP.filter((p) => p.dataEvento && set.has(p.dataEvento)).length };
  }, [days, view, date, shownA, shownP]);

  const openAtendimento = useCallback((id: number) => setOpen({ kind: 'atendimento', id }), []);
  const openPdf = useCallback((pdf: IndexedPdf) => setOpen({ kind: 'pdf', pdf }), []);
  const openDay = useCallback((d: DayKey) => go({ view: 'day', date: d }), [go]);
  const close = useCallback(() => setOpen(null), []);

  const current = open?.kind === 'atendimento' ? all.find((a) => a.id === open.id) : undefined;
  const suggestions = useMemo(() => {
    if (!current) return [];
    const s = spanOf(current);
    return s ? freePdfs.filter((p) => p.dataEvento && p.dataEvento >= s.start && p.dataEvento <= s.end) : [];
  }, [current, freePdfs]);

  const live = connection === 'connected';
  return (
    <div className="agenda">
      <div className="agenda-toolbar">
        <div className="agenda-nav" role="group" aria-label={t.periodNav}>
          <button type="button" className="button" onClick={() => go({ date: today })} aria-label={`${t.today}: ${viewTitle('day', today)}`}>
            {t.today}
          </button>
          <button type="button" className="button" onClick={() => go({ date: stepView(view, date, -1) })} aria-label={t.previous[view]}>
            <span aria-hidden="true">‹</span>
          </button>
          <button type="button" className="button" onClick={() => go({ date: stepView(view, date, 1) })} aria-label={t.next[view]}>
            <span aria-hidden="true">›</span>
          </button>
          <h2 id={titleId} className="agenda-period" aria-live="polite">
            {viewTitle(view, date)}
          </h2>
        </div>
        <div className="agenda-toolbar-end">
          <div className="segmented" role="group" aria-label={t.viewLabel}>
            {VIEWS.map((v) => (
              <button key={v} type="button" className="segment" aria-pressed={view === v} onClick={() => go({ view: v })}>
                {t.views[v]}
              </button>
            ))}
          </div>
          <p className={`live ${live ? 'live-on' : 'live-off'}`} role="status" title={live ? liveText.liveHint : liveText.reconnectingHint}>
            <span className="live-dot" aria-hidden="true" />
            {live ? liveText.live : connection === 'connecting' ? liveText.connecting : liveText.reconnecting}
          </p>
        </div>
      </div>

      <Filters admin={admin} filter={filter} onChange={setFilter} />
      <p className="agenda-summary" role="status">
        {data.atendimentos ? (admin ? t.summary(inView.a, inView.p, isFiltered(filter)) : t.summaryTecnico(inView.a, isFiltered(filter))) : ''}
      </p>
      {admin ? (
        <ul className="agenda-legend" aria-label="Legenda">
          <li><span className="agenda-key agenda-key-atendimento" aria-hidden="true" />{t.legendAtendimento}</li>
          <li><span className="agenda-key agenda-key-noteam" aria-hidden="true" />{t.legendNoTeam}</li>
          <li><span className="agenda-key agenda-key-pdf" aria-hidden="true" />{t.legendPdf}</li>
        </ul>
      ) : null}
      {data.pdfsTruncated ? <Banner tone="warning">{t.truncated}</Banner> : null}
      {data.error ? (
        <Banner tone="error" title={t.loadFailed} action={<button type="button" className="button button-small" onClick={data.reload}>{t.retry}</button>}>
          {data.error.message}
        </Banner>
      ) : null}
      {!data.atendimentos && data.loading ? <Loading label={t.loading} /> : null}

      {data.atendimentos ? (
        <div className="agenda-body" aria-busy={data.loading}>
          {view === 'month' ? (
            <MonthView date={date} today={today} days={byDay} titleId={titleId} onDate={(d) => go({ date: d })} onOpenDay={openDay} onOpenAtendimento={openAtendimento} onOpenPdf={openPdf} />
          ) : view === 'week' ? (
            <WeekView date={date} today={today} days={byDay} tecnico={!admin} onOpenDay={openDay} onOpenAtendimento={openAtendimento} onOpenPdf={openPdf} />
          ) : (
            <DayView day={date} e={byDay.get(date)} tecnico={!admin} onOpenAtendimento={openAtendimento} onOpenPdf={openPdf} />
          )}
        </div>
      ) : null}

      {open?.kind === 'atendimento' ? (
        <AtendimentoDialog
          key={open.id}
          a={current}
          admin={admin}
          suggestions={suggestions}
          linkedElsewhere={linked}
          notice={open.notice ?? null}
          onChanged={data.apply}
          onClose={close}
        />
      ) : null}
      {open?.kind === 'pdf' ? (
        <PdfDialog
          key={open.pdf.id}
          pdf={open.pdf}
          admin={admin}
          onEscalated={(a: Atendimento) => {
            data.apply(a);
            setOpen({ kind: 'atendimento', id: a.id, notice: t.escalarDone(a.titulo) });
          }}
          onClose={close}
        />
      ) : null}
    </div>
  );
}
