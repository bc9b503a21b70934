import { useCallback, useRef, useState } from 'react';
import { useSocketEvent } from '../../../lib/socket';
import { useAsync } from '../../../lib/use-async';
import { fetchCleanupReports, runCacheCleanup } from '../api';
import { cleanupFailureText, describeCleanupAnswer, mergeReport, REPORTS_SHOWN, type CleanupResult } from '../state/cleanup-reports';
import type { CleanupReport } from '../types';

/**
 * The cache janitor's latest reports (GET, then cache:cleanup_report as runs
 * end, whoever started them) and "Executar limpeza": one request at a time,
 * its answer (or why it failed) kept for the panel to say.
 */
export function useCleanupReports(onReport?: (r: CleanupReport) => void) {
  const reports = useAsync((s) => fetchCleanupReports(REPORTS_SHOWN, s), []);
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<CleanupResult | null>(null);
  const inFlight = useRef(false);
  const onReportRef = useRef(onReport);
  onReportRef.current = onReport;
  const { setData } = reports;

  const add = useCallback(
    (r: CleanupReport) => {
      setData((list) => mergeReport(list ?? [], r));
      onReportRef.current?.(r);
    },
    [setData],
  );

  useSocketEvent('cache:cleanup_report', (r) => {
    add(r);
    // A run that outlasted the request (202) has now ended: its report says the rest.
    setResult((prev) => (prev?.tone === 'info' ? describeCleanupAnswer({ running: false, joined: false, report: r }) : prev));
  });

  const run = useCallback(async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    setRunning(true);
    setResult(null);
    try {
      const answer = await runCacheCleanup();
      if (!answer.running) add(answer.report);
      setResult(describeCleanupAnswer(answer));
    } catch (e) {
      setResult({ tone: 'error', text: cleanupFailureText(e) });
    } finally {
      inFlight.current = false;
      setRunning(false);
    }
  }, [add]);

  return { reports, running, result, run };
}
