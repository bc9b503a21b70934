import { useId, useMemo, useState } from 'react';
import { formatDateTime } from '../../../lib/format';
import { monitorText } from '../strings';
import type { LogLevel, RecentEvent } from '../types';

const t = monitorText.logs;
type LevelFilter = LogLevel | 'all';
const LEVELS: LevelFilter[] = ['all', 'error', 'warn', 'info', 'debug'];
const HIDDEN_KEYS = new Set(['ts', 'level', 'event', 'source']);

/** The event's name: a log line's `event`, a report's `code`, or the report itself. */
export function eventName(e: RecentEvent): string {
  const ev = e.event ?? {};
  if (typeof ev.event === 'string' && ev.event) return ev.event;
  if (typeof ev.code === 'string' && ev.code) return ev.code;
  return 'daemon:error';
}

/** The rest of the event as "key: value" text (never HTML), the message first. */
export function eventDetails(e: RecentEvent): string {
  const ev = e.event ?? {};
  const out: string[] = [];
  if (typeof ev.message === 'string') out.push(ev.message);
  for (const [k, v] of Object.entries(ev)) {
    if (HIDDEN_KEYS.has(k) || k === 'message' || (k === 'code' && eventName(e) === v)) continue;
    if (v === null || v === undefined || v === '') continue;
    out.push(`${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  }
  const text = out.join(' · ');
  return text.length > 2000 ? text.slice(0, 2000) + '…' : text;
}

export function DaemonLogs({ events, onRefresh, refreshing }: { events: RecentEvent[]; onRefresh: () => void; refreshing: boolean }) {
  const [level, setLevel] = useState<LevelFilter>('all');
  const shown = useMemo(() => (level === 'all' ? events : events.filter((e) => e.level === level)), [events, level]);
  const selectId = useId();
  return (
    <div className="logs">
      <div className="toolbar">
        <div className="field field-inline">
          <label htmlFor={selectId}>{t.levelLabel}</label>
          <select id={selectId} value={level} onChange={(e) => setLevel(e.target.value as LevelFilter)}>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {t.levels[l]}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className="button button-small" onClick={onRefresh} disabled={refreshing}>
          {t.refresh}
        </button>
        <p className="panel-meta" aria-live="polite">
          {events.length ? t.count(shown.length, events.length) : ''}
        </p>
      </div>
      {events.length === 0 ? (
        <p className="table-empty">{t.none}</p>
      ) : shown.length === 0 ? (
        <p className="table-empty">{t.noneAtLevel}</p>
      ) : (
        <div className="table-scroll logs-scroll" tabIndex={0} role="region" aria-label={t.title}>
          <table className="table logs-table">
            <caption className="sr-only">{t.title}</caption>
            <thead>
              <tr>
                <th scope="col" className="col-when">{t.colAt}</th>
                <th scope="col" className="col-level">{t.colLevel}</th>
                <th scope="col" className="col-event">{t.colEvent}</th>
                <th scope="col">{t.colDetails}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((e, i) => (
                <tr key={`${e.at}-${i}`}>
                  <td className="num nowrap">{formatDateTime(e.at)}</td>
                  <td>
                    <span className={`level level-${String(e.level)}`}>{t.levels[e.level as LogLevel] ?? String(e.level)}</span>
                  </td>
                  <td className="mono wrap-anywhere">{eventName(e)}</td>
                  <td className="wrap-anywhere">{eventDetails(e)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
