import type { ReactNode } from 'react';
import { useNow } from '../../../lib/clock';
import { formatBytes, formatDateTime, formatDuration, formatDurationLong, formatMs, formatNumber, toMs } from '../../../lib/format';
import { monitorText } from '../strings';
import type { DaemonDetail } from '../types';
import { daemonPerformance } from './daemon-counters';
import { RelativeTime } from './RelativeTime';
import { StatusBadge } from './StatusBadge';

const t = monitorText.detail;
const f = t.fields;

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="dl-row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Value({ v, mono }: { v: string | null | undefined; mono?: boolean }) {
  if (v === null || v === undefined || v === '') return <span className="muted">—</span>;
  return <span className={`wrap-anywhere ${mono ? 'mono' : ''}`}>{v}</span>;
}

function When({ iso }: { iso: string | null }) {
  if (!iso) return <span className="muted">—</span>;
  return (
    <span className="num">
      {formatDateTime(iso)} (<RelativeTime iso={iso} never="" />)
    </span>
  );
}

/** Uptime as of the last heartbeat, moving on while the daemon is online. */
function LiveUptime({ d }: { d: DaemonDetail }) {
  const now = useNow(1000);
  if (d.uptimeSeconds === null || d.uptimeSeconds === undefined) return <span className="muted">—</span>;
  const hb = toMs(d.lastHeartbeat);
  const extra = d.status === 'online' && hb ? Math.max(0, (now - hb) / 1000) : 0;
  return <span className="num">{formatDurationLong(d.uptimeSeconds + extra)}</span>;
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="detail-section">
      <h3>{title}</h3>
      <dl className="dl">{children}</dl>
    </section>
  );
}

export function DaemonOverview({ d }: { d: DaemonDetail }) {
  const eff = d.heartbeat?.config ?? {};
  const stored = d.config ?? {};
  const counters = d.heartbeat?.counters ?? {};
  const perf = daemonPerformance(counters);
  const pending = <T,>(effV: T | null | undefined, storedV: T | null | undefined, show: (v: T) => string): ReactNode => {
    const shown = effV ?? null;
    if (storedV !== undefined && storedV !== null && storedV !== shown) {
      return <span>{t.configPending(show(storedV))}{shown !== null ? ` · ${t.configInUse(show(shown))}` : ''}</span>;
    }
    return shown === null ? <span className="muted">—</span> : <span>{show(shown)}</span>;
  };
  const onOff = (b: boolean) => (b ? t.autoUploadOn : t.autoUploadOff);

  return (
    <div className="detail-grid">
      <Section title={t.sections.general}>
        <Row label={f.clientId}><Value v={d.clientId} mono /></Row>
        <Row label={f.hostname}><Value v={d.hostname ?? d.heartbeat?.hostname} mono /></Row>
        <Row label={f.platform}><Value v={d.platform} /></Row>
        <Row label={f.version}><Value v={d.version} mono /></Row>
        <Row label={f.runtime}><Value v={d.runtime} /></Row>
        <Row label={f.status}><StatusBadge daemon={d} /></Row>
        <Row label={f.createdAt}><Value v={d.createdAt ? formatDateTime(d.createdAt) : null} /></Row>
      </Section>

      <Section title={t.sections.network}>
        <Row label={f.remoteAddr}><Value v={d.remoteAddr} mono /></Row>
        <Row label={f.localAddr}><Value v={d.localAddr} mono /></Row>
        <Row label={f.connectedAt}><When iso={d.connectedAt} /></Row>
        <Row label={f.disconnectedAt}><When iso={d.disconnectedAt} /></Row>
        <Row label={f.lastHeartbeat}><When iso={d.lastHeartbeat} /></Row>
        <Row label={f.latency}><Value v={d.latencyMs === null || d.latencyMs === undefined ? null : formatMs(d.latencyMs)} /></Row>
      </Section>

      <Section title={t.sections.stats}>
        <Row label={f.pdfsIndexed}><span className="num">{formatNumber(d.pdfsIndexed)}</span></Row>
        <Row label={f.pdfsUploaded}><span className="num">{formatNumber(d.pdfsUploaded)}</span></Row>
        <Row label={f.lastPdf}><When iso={d.lastPdfIndexed} /></Row>
        <Row label={f.lastSync}><When iso={d.lastSyncAt} /></Row>
        <Row label={f.errors}><span className="num">{formatNumber(counters.errors)}</span></Row>
        <Row label={f.queued}><span className="num">{formatNumber(counters.queued)}</span></Row>
        <Row label={f.reconnections}><span className="num">{perf.reconnections}</span></Row>
        <Row label={f.uploadsFailed}><span className="num">{perf.uploadsFailed}</span></Row>
        <Row label={f.uploadSpeed}><span className="num">{perf.uploadSpeed}</span></Row>
        <Row label={f.parseTime}><span className="num">{perf.parseTime}</span></Row>
        <Row label={f.uptime}><LiveUptime d={d} /></Row>
        <Row label={f.memory}><span className="num">{formatBytes(d.memoryBytes)}</span></Row>
      </Section>

      <Section title={t.sections.config}>
        <Row label={f.pdfDirectory}><Value v={eff.pdfDirectory ?? stored.pdfDirectory} mono /></Row>
        <Row label={f.scanInterval}>{pending(eff.scanIntervalSeconds, stored.scanIntervalSeconds, (v) => t.everySeconds(formatDuration(v)))}</Row>
        <Row label={f.logLevel}>{pending(eff.logLevel, stored.logLevel, (v) => monitorText.logs.levels[v] ?? String(v))}</Row>
        <Row label={f.autoUpload}>{pending(eff.autoUpload, stored.autoUpload, onOff)}</Row>
      </Section>

      <section className="detail-section">
        <h3>{t.sections.pdfs}</h3>
        {d.pdfs ? (
          <dl className="dl dl-compact">
            {(Object.keys(t.pdfStatus) as (keyof typeof t.pdfStatus)[]).map((k) => (
              <Row key={k} label={t.pdfStatus[k]}>
                <span className="num">{formatNumber(d.pdfs?.[k])}</span>
              </Row>
            ))}
          </dl>
        ) : (
          <p className="muted">—</p>
        )}
      </section>

      <section className="detail-section detail-wide">
        <h3>{t.sections.tokens}</h3>
        {d.tokens?.length ? (
          <div className="table-scroll">
            <table className="table table-compact">
              <caption className="sr-only">{t.sections.tokens}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.tokenCols.name}</th>
                  <th scope="col">{t.tokenCols.publicId}</th>
                  <th scope="col">{t.tokenCols.state}</th>
                  <th scope="col">{t.tokenCols.createdAt}</th>
                  <th scope="col">{t.tokenCols.endsAt}</th>
                </tr>
              </thead>
              <tbody>
                {d.tokens.map((tk) => (
                  <tr key={tk.id}>
                    <td><span className="truncate" title={tk.name}>{tk.name}</span></td>
                    <td className="mono">{tk.publicId}</td>
                    <td><span className={`token token-${tk.state}`}>{t.tokenState[tk.state] ?? tk.state}</span></td>
                    <td className="num">{formatDateTime(tk.createdAt)}</td>
                    <td className="num">{formatDateTime(tk.revokedAt ?? tk.expiresAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">{t.noTokens}</p>
        )}
      </section>
    </div>
  );
}
