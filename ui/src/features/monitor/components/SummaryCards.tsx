import type { ReactNode } from 'react';
import { useNow } from '../../../lib/clock';
import { formatBytes, formatDateTime, formatNumber, formatPercent, formatUptime } from '../../../lib/format';
import type { SummaryState } from '../hooks/use-summary';
import { monitorText } from '../strings';

const t = monitorText.cards;

function Card({ label, value, hint, children }: { label: string; value: string; hint?: string | null; children?: ReactNode }) {
  return (
    <li className="card">
      <h3 className="card-label">{label}</h3>
      <p className="card-value num">{value}</p>
      {hint ? <p className="card-hint num">{hint}</p> : null}
      {children}
    </li>
  );
}

function UptimeCard({ summary }: { summary: SummaryState }) {
  const now = useNow(1000);
  const s = summary.summary;
  const uptime = s ? s.server.uptimeSeconds + Math.max(0, now - summary.receivedAt) / 1000 : null;
  return (
    <li className="card">
      <h3 className="card-label">{t.uptime}</h3>
      {/* The ticking value is not a live region: a screen reader would read it every second. */}
      <p className="card-value num">{s ? formatUptime(uptime) : '—'}</p>
      <p className="card-hint">
        {s ? `${t.uptimeSince(formatDateTime(s.server.startedAt))} · ${t.version(s.server.version)}` : t.unavailable}
      </p>
    </li>
  );
}

export function SummaryCards({ daemons, summary }: { daemons: { online: number; total: number; loaded: boolean }; summary: SummaryState }) {
  const s = summary.summary;
  const cap = s?.cache.capacityBytes ?? null;
  const used = s ? s.cache.bytes : null;
  const fraction = cap && used !== null ? Math.min(1, used / cap) : null;
  return (
    <section aria-labelledby="cards-heading">
      <h2 id="cards-heading" className="sr-only">
        {t.label}
      </h2>
      <ul className="cards">
        <Card
          label={t.daemons}
          value={daemons.loaded ? t.daemonsValue(formatNumber(daemons.online), formatNumber(daemons.total)) : '—'}
          hint={daemons.loaded ? (daemons.total === 0 ? t.noDaemons : t.daemonsHint(formatNumber(daemons.total - daemons.online))) : null}
        />
        <Card label={t.pdfs} value={s ? formatNumber(s.pdfs.total) : '—'} hint={s ? t.pdfsToday(formatNumber(s.pdfs.today)) : t.unavailable} />
        <Card
          label={t.cache}
          value={s ? formatBytes(s.cache.bytes) : '—'}
          hint={s ? [t.cacheFiles(formatNumber(s.cache.files)), cap ? t.cacheOf(formatBytes(cap), formatPercent(fraction)) : null].filter(Boolean).join(' · ') : t.unavailable}
        >
          {fraction !== null ? (
            <div className={`bar ${fraction >= 0.9 ? 'bar-danger' : fraction >= 0.8 ? 'bar-warn' : ''}`} aria-hidden="true">
              <div className="bar-fill" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
            </div>
          ) : null}
        </Card>
        <UptimeCard summary={summary} />
      </ul>
    </section>
  );
}
