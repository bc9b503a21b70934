import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../lib/api-client';
import type { CleanupReport } from '../types';
import {
  cleanupFailureText, describeCleanupAnswer, formatRunDuration, mergeReport, reportFigures, triggerLabel,
} from './cleanup-reports';

// The shape of docs/api.md's example.
const report = (over: Partial<CleanupReport> = {}): CleanupReport => ({
  id: 12, trigger: 'on_demand', startedAt: '2026-03-08T07:00:00Z', finishedAt: '2026-03-08T07:00:01Z', durationMs: 1250,
  filesRemoved: 3, bytesFreed: 3145728, expiredRows: 4, staleTempFilesRemoved: 1, errors: [], details: {},
  ...over,
});

describe('cleanup report figures', () => {
  it('names each trigger the server writes, and passes an unknown one through', () => {
    expect(triggerLabel('scheduled')).toBe('Agendada');
    expect(triggerLabel('on_demand')).toBe('Sob demanda');
    expect(triggerLabel('early')).toBe('Na partida');
    expect(triggerLabel('weekly')).toBe('weekly');
  });

  it('reads a run in pt-BR: São Paulo time, binary sizes with a comma, thousands with a dot', () => {
    expect(reportFigures(report({ filesRemoved: 12345, expiredRows: 1000, bytesFreed: 47400000000, errors: ['delete /x.pdf: Permission denied', 'prune: db'] }))).toEqual({
      when: '08/03/2026, 04:00:01',
      trigger: 'Sob demanda',
      filesRemoved: '12.345',
      bytesFreed: '44,1 GB',
      expiredRows: '1.000',
      tempRemoved: '1',
      duration: '1,3 s',
      errors: '2 erros',
      hasErrors: true,
    });
    const clean = reportFigures(report({ bytesFreed: 0, durationMs: 8 }));
    expect(clean.bytesFreed).toBe('0 B');
    expect(clean.errors).toBe('nenhum');
    expect(clean.hasErrors).toBe(false);
    expect(clean.duration).toBe('8 ms');
    expect(reportFigures(report({ errors: ['x'] })).errors).toBe('1 erro');
  });

  it('gives a long run in minutes, and a missing length as a dash', () => {
    expect(formatRunDuration(250)).toBe('250 ms');
    expect(formatRunDuration(59_000)).toBe('59,0 s');
    expect(formatRunDuration(125_000)).toBe('2 min 5 s');
    expect(formatRunDuration(null)).toBe('—');
  });
});

describe('the list of reports', () => {
  it('keeps the newest first, each run once, and no more than asked', () => {
    const a = report({ id: 1, startedAt: '2026-03-08T03:00:00Z', trigger: 'early' });
    const b = report({ id: 2, startedAt: '2026-03-08T07:00:00Z' });
    const c = report({ id: 3, startedAt: '2026-03-09T03:00:00Z', trigger: 'scheduled' });
    expect(mergeReport([b, a], c).map((r) => r.id)).toEqual([3, 2, 1]);
    // The button's answer and the socket's push of the same run.
    expect(mergeReport([c, b, a], { ...c }).map((r) => r.id)).toEqual([3, 2, 1]);
    // A report arriving late still lands in its place.
    expect(mergeReport([c, a], b).map((r) => r.id)).toEqual([3, 2, 1]);
    expect(mergeReport([c, b], a, 2).map((r) => r.id)).toEqual([3, 2]);
  });

  it('keeps a report the database could not store (no id) by when it started', () => {
    const unsaved = report({ id: null, startedAt: '2026-03-10T03:00:00Z', errors: ['report not stored: timeout'] });
    const once = mergeReport([report()], unsaved);
    expect(once).toHaveLength(2);
    expect(mergeReport(once, { ...unsaved })).toHaveLength(2);
  });
});

describe('what the button says', () => {
  it('sums up the run, says when it joined one under way, and flags errors', () => {
    expect(describeCleanupAnswer({ running: false, joined: false, report: report() })).toEqual({
      tone: 'success', text: 'Limpeza concluída: 3 arquivos removidos, 3,0 MB liberados.',
    });
    const joined = describeCleanupAnswer({ running: false, joined: true, report: report({ trigger: 'scheduled', filesRemoved: 1, errors: ['x'] }) });
    expect(joined.tone).toBe('warning');
    expect(joined.text).toBe(
      'Limpeza concluída: 1 arquivo removido, 3,0 MB liberados. Já havia uma limpeza em andamento (agendada); este é o relatório dela. Com um erro: veja abaixo.',
    );
    expect(describeCleanupAnswer({ running: true })).toEqual({ tone: 'info', text: expect.stringContaining('continua em andamento') });
  });

  it('explains a refusal or a failure in words an admin can act on', () => {
    const err = (status: number, code: string, message: string) => new ApiError({ status, code, message });
    expect(cleanupFailureText(err(403, 'forbidden', 'Você não tem permissão para fazer isso.'))).toBe(
      'A limpeza não foi executada. Só administradores podem executar a limpeza do cache.',
    );
    expect(cleanupFailureText(err(401, 'unauthorized', 'Sua sessão terminou. Entre novamente.'))).toBe(
      'A limpeza não foi executada. Sua sessão terminou. Entre novamente.',
    );
    expect(cleanupFailureText(err(0, 'network', 'Servidor inacessível. Verifique a conexão; tentaremos de novo automaticamente.'))).toMatch(
      /^A limpeza não foi executada\. Servidor inacessível\./,
    );
    expect(cleanupFailureText(new Error('boom'))).toBe('A limpeza não foi executada. Erro inesperado do servidor (HTTP 0).');
  });
});
