import { describe, expect, it } from 'vitest';
import type { Daemon } from '../types';
import { compareDaemons, nextSort, visibleDaemons } from './daemon-table';

const base: Omit<Daemon, 'id' | 'name'> = {
  clientId: null, status: 'offline', blocked: false, lastSeen: null, lastHeartbeat: null, connectedAt: null, disconnectedAt: null,
  remoteAddr: null, localAddr: null, version: null, runtime: null, platform: null, hostname: null, pdfsIndexed: null,
  pdfsUploaded: null, lastPdfIndexed: null, lastSyncAt: null, uptimeSeconds: null, memoryBytes: null,
};
const d = (id: number, name: string, over: Partial<Daemon> = {}): Daemon => ({ ...base, id, name, ...over });

const all = [
  d(1, 'Matriz SP', { status: 'online', clientId: 'client_matriz_sp_001', remoteAddr: '200.150.10.5', lastSeen: '2026-01-03T10:00:00Z', pdfsIndexed: 1234, version: '1.10.0' }),
  d(2, 'Filial RJ', { status: 'online', clientId: 'rj', remoteAddr: '179.200.50.20', lastSeen: '2026-01-03T10:00:10Z', pdfsIndexed: 20, version: '1.9.2' }),
  d(3, 'Escritório BH', { status: 'offline', clientId: 'bh', remoteAddr: '189.10.20.30', lastSeen: '2026-01-03T08:00:00Z', pdfsIndexed: 300, version: '1.2.0' }),
  d(4, 'Sem vínculo', {}),
  d(5, 'Bloqueado', { blocked: true, clientId: 'blk' }),
];

const names = (ds: Daemon[]) => ds.map((x) => x.name);

describe('daemons table', () => {
  it('status first: online, offline, blocked; then by name', () => {
    expect(names(visibleDaemons(all, 'all', '', { key: 'status', dir: 'asc' }))).toEqual(['Filial RJ', 'Matriz SP', 'Escritório BH', 'Sem vínculo', 'Bloqueado']);
  });
  it('names sort the Portuguese way', () => {
    expect(names(visibleDaemons(all, 'all', '', { key: 'name', dir: 'asc' }))).toEqual(['Bloqueado', 'Escritório BH', 'Filial RJ', 'Matriz SP', 'Sem vínculo']);
  });
  it('numbers and versions sort by value; empty values last in both directions', () => {
    expect(names(visibleDaemons(all, 'all', '', { key: 'pdfs', dir: 'desc' })).slice(0, 3)).toEqual(['Matriz SP', 'Escritório BH', 'Filial RJ']);
    expect(names(visibleDaemons(all, 'all', '', { key: 'version', dir: 'asc' })).slice(0, 3)).toEqual(['Escritório BH', 'Filial RJ', 'Matriz SP']);
    const asc = visibleDaemons(all, 'all', '', { key: 'lastSeen', dir: 'asc' });
    const desc = visibleDaemons(all, 'all', '', { key: 'lastSeen', dir: 'desc' });
    expect(asc.slice(-2).every((x) => x.lastSeen === null)).toBe(true);
    expect(desc.slice(-2).every((x) => x.lastSeen === null)).toBe(true);
    expect(desc[0]!.name).toBe('Filial RJ');
  });
  it('IP addresses sort numerically', () => {
    const ips = [d(1, 'a', { remoteAddr: '10.0.0.10' }), d(2, 'b', { remoteAddr: '10.0.0.9' })];
    expect(compareDaemons(ips[0]!, ips[1]!, { key: 'remoteAddr', dir: 'asc' })).toBeGreaterThan(0);
  });
  it('filters by status', () => {
    expect(names(visibleDaemons(all, 'online', '', { key: 'name', dir: 'asc' }))).toEqual(['Filial RJ', 'Matriz SP']);
    expect(names(visibleDaemons(all, 'blocked', '', { key: 'name', dir: 'asc' }))).toEqual(['Bloqueado']);
    expect(visibleDaemons(all, 'offline', '', { key: 'name', dir: 'asc' })).toHaveLength(3);
  });
  it('searches name, clientId, addresses and version, ignoring accents and case', () => {
    expect(names(visibleDaemons(all, 'all', 'escritorio', { key: 'name', dir: 'asc' }))).toEqual(['Escritório BH']);
    expect(names(visibleDaemons(all, 'all', 'MATRIZ_sp', { key: 'name', dir: 'asc' }))).toEqual(['Matriz SP']);
    expect(names(visibleDaemons(all, 'all', '179.200', { key: 'name', dir: 'asc' }))).toEqual(['Filial RJ']);
    expect(names(visibleDaemons(all, 'all', 'filial rj', { key: 'name', dir: 'asc' }))).toEqual(['Filial RJ']);
    expect(visibleDaemons(all, 'online', 'bh', { key: 'name', dir: 'asc' })).toHaveLength(0);
  });
  it('first click sorts names up and times down; a second click flips', () => {
    expect(nextSort({ key: 'status', dir: 'asc' }, 'name')).toEqual({ key: 'name', dir: 'asc' });
    expect(nextSort({ key: 'status', dir: 'asc' }, 'lastSeen')).toEqual({ key: 'lastSeen', dir: 'desc' });
    expect(nextSort({ key: 'name', dir: 'asc' }, 'name')).toEqual({ key: 'name', dir: 'desc' });
  });
  it('sorts 500 daemons quickly', () => {
    const many = Array.from({ length: 500 }, (_, i) => d(i, `Escritório ${i}`, { status: i % 3 ? 'online' : 'offline', lastSeen: new Date(1e12 + i * 1000).toISOString() }));
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) visibleDaemons(many, 'all', i % 2 ? 'escr' : '', { key: 'status', dir: 'asc' });
    expect((performance.now() - t0) / 20).toBeLessThan(25);
  });
});
