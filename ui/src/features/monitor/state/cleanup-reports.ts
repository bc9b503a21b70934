// The cache janitor's reports as the monitor shows them: the list kept newest
// first as reports arrive (REST, the button's answer, the socket), and each
// report's figures in pt-BR. Pure code, tested in cleanup-reports.test.ts.
import { ApiError } from '../../../lib/api-client';
import { errorText } from '../../../lib/strings';
import { formatBytes, formatDateTime, formatDuration, formatMs, formatNumber, toMs } from '../../../lib/format';
import { monitorText } from '../strings';
import type { CleanupAnswer, CleanupReport } from '../types';

const t = monitorText.cleanup;

/** How many reports the panel asks for and keeps. */
export const REPORTS_SHOWN = 6;

/** "Agendada", "Sob demanda", "Na partida"; a trigger this app does not know yet, as the server wrote it. */
export function triggerLabel(trigger: string): string {
  return t.triggers[trigger] ?? trigger;
}

/** A run's length: "250 ms", "1,3 s", then "2 min 5 s" past a minute. */
export function formatRunDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  return ms < 60_000 ? formatMs(ms) : formatDuration(ms / 1000);
}

export interface ReportFigures {
  when: string;
  trigger: string;
  filesRemoved: string;
  bytesFreed: string;
  expiredRows: string;
  tempRemoved: string;
  duration: string;
  /** "nenhum" or "2 erros". */
  errors: string;
  hasErrors: boolean;
}

export function reportFigures(r: CleanupReport): ReportFigures {
  const errors = r.errors?.length ?? 0;
  return {
    when: formatDateTime(r.finishedAt ?? r.startedAt),
    trigger: triggerLabel(r.trigger),
    filesRemoved: formatNumber(r.filesRemoved),
    bytesFreed: formatBytes(r.bytesFreed),
    expiredRows: formatNumber(r.expiredRows),
    tempRemoved: formatNumber(r.staleTempFilesRemoved),
    duration: formatRunDuration(r.durationMs),
    errors: errors === 0 ? t.noErrors : t.errorCount(formatNumber(errors)),
    hasErrors: errors > 0,
  };
}

/** A report's identity: its id, or (not stored) when it started and who started it. */
export function reportKey(r: CleanupReport): string {
  return r.id !== null && r.id !== undefined ? `id:${r.id}` : `run:${r.startedAt}:${r.trigger}`;
}

/**
 * The list with one more report, newest first, at most `max`: the same run
 * seen twice (the button's answer and the socket's push) is kept once.
 */
export function mergeReport(list: readonly CleanupReport[], r: CleanupReport, max = REPORTS_SHOWN): CleanupReport[] {
  const key = reportKey(r);
  const rest = list.filter((x) => reportKey(x) !== key);
  const started = (x: CleanupReport) => toMs(x.startedAt) ?? 0;
  return [r, ...rest].sort((a, b) => started(b) - started(a) || (b.id ?? 0) - (a.id ?? 0)).slice(0, max);
}

export interface CleanupResult {
  tone: 'success' | 'warning' | 'info' | 'error';
  text: string;
}

/** What the admin reads after clicking "Executar limpeza". */
export function describeCleanupAnswer(a: CleanupAnswer): CleanupResult {
  if (a.running) return { tone: 'info', text: t.stillRunning };
  const f = reportFigures(a.report);
  const errors = a.report.errors?.length ?? 0;
  let text = t.done(f.filesRemoved, f.bytesFreed);
  if (a.joined) text += t.joined(f.trigger);
  if (errors > 0) text += t.doneWithErrors(formatNumber(errors));
  return { tone: errors > 0 ? 'warning' : 'success', text };
}

/** Why the click did nothing, in words an admin can act on (401, 403, the network, the server). */
export function cleanupFailureText(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.code === 'forbidden') return t.failed(t.forbidden);
    return t.failed(e.message);
  }
  return t.failed(errorText.unexpected(0));
}
