import { describe, expect, it } from 'vitest';
import { configChanges, describeConfigResult, initialConfig } from './DaemonConfigForm';
import { eventDetails, eventName } from './DaemonLogs';
import { daemonPerformance } from './daemon-counters';

describe('daemon counters', () => {
  it('shows the heartbeat counters in pt-BR, and a dash before the first upload or read', () => {
    expect(daemonPerformance({ reconnections: 1234, uploadsFailed: 2, avgUploadBytesPerSecond: 2621440, avgParseMs: 42.5 })).toEqual({
      reconnections: '1.234', uploadsFailed: '2', uploadSpeed: '2,5 MB/s', parseTime: '43 ms',
    });
    expect(daemonPerformance({ reconnections: 0, uploadsFailed: 0, avgUploadBytesPerSecond: 0, avgParseMs: 0 })).toEqual({
      reconnections: '0', uploadsFailed: '0', uploadSpeed: '—', parseTime: '—',
    });
    // An older daemon sends none of them.
    expect(daemonPerformance({ indexed: 3 })).toEqual({ reconnections: '—', uploadsFailed: '—', uploadSpeed: '—', parseTime: '—' });
    expect(daemonPerformance(null).uploadSpeed).toBe('—');
    expect(daemonPerformance({ avgParseMs: 4.46 }).parseTime).toBe('4,5 ms');
  });
});

describe('config form', () => {
  const d = { config: { logLevel: 'debug' as const }, heartbeat: { config: { scanIntervalSeconds: 300, logLevel: 'info' as const, autoUpload: false, pdfDirectory: '/srv/pdfs' } } };
  it('starts from what the admin asked for, else what the daemon runs with', () => {
    expect(initialConfig(d)).toEqual({ scanIntervalSeconds: 300, logLevel: 'debug', autoUpload: false });
    expect(initialConfig({ config: null, heartbeat: null })).toEqual({ scanIntervalSeconds: null, logLevel: 'info', autoUpload: false });
  });
  it('sends only what changed and refuses an interval out of range', () => {
    const init = initialConfig(d);
    expect(configChanges(init, { scan: '300', logLevel: 'debug', autoUpload: false })).toEqual({ update: {}, invalidScan: false });
    expect(configChanges(init, { scan: '600', logLevel: 'warn', autoUpload: true })).toEqual({ update: { scanIntervalSeconds: 600, logLevel: 'warn', autoUpload: true }, invalidScan: false });
    expect(configChanges(init, { scan: '4', logLevel: 'debug', autoUpload: false }).invalidScan).toBe(true);
    expect(configChanges(init, { scan: '1.5', logLevel: 'debug', autoUpload: false }).invalidScan).toBe(true);
    expect(configChanges(init, { scan: '86401', logLevel: 'debug', autoUpload: false }).invalidScan).toBe(true);
  });
  it('says what the daemon applied and rejected, or that it will get it on connecting', () => {
    expect(describeConfigResult({ id: 1, clientId: 'a', config: {}, delivered: false })).toEqual({ ok: true, text: expect.stringContaining('offline') });
    expect(describeConfigResult({ id: 1, clientId: 'a', config: {}, delivered: true, ack: { ok: true, applied: { logLevel: 'warn' }, rejected: {} } }).text).toBe(
      'O daemon aplicou a nova configuração.',
    );
    const mixed = describeConfigResult({ id: 1, clientId: 'a', config: {}, delivered: true, ack: { ok: true, applied: { logLevel: 'warn' }, rejected: { autoUpload: 'expected true or false' } } });
    expect(mixed.ok).toBe(true);
    expect(mixed.text).toBe('Aplicado: Nível de log. Recusado pelo daemon: Envio automático (expected true or false).');
  });
});

describe('log lines', () => {
  it('names a forwarded log line by its event and a report by its code', () => {
    expect(eventName({ at: 'x', level: 'warn', event: { event: 'pdf:broken', path: 'C:\\a.pdf', source: 'daemon:log', ts: 'x' } })).toBe('pdf:broken');
    expect(eventName({ at: 'x', level: 'error', event: { message: 'cannot parse', code: 'pdf_encrypted' } })).toBe('pdf_encrypted');
    expect(eventName({ at: 'x', level: 'error', event: { message: 'oops' } })).toBe('daemon:error');
  });
  it('details are plain text, the message first, objects as JSON', () => {
    expect(eventDetails({ at: 'x', level: 'error', event: { message: 'cannot parse', code: 'pdf_encrypted', filePath: 'C:\\a.pdf', details: { parser: 'poppler' } } })).toBe(
      'cannot parse · filePath: C:\\a.pdf · details: {"parser":"poppler"}',
    );
    expect(eventDetails({ at: 'x', level: 'warn', event: { event: 'x', html: '<img src=x onerror=alert(1)>' } })).toBe('html: <img src=x onerror=alert(1)>');
  });
});
