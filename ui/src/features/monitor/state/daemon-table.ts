import { foldText } from '../../../lib/format';
import type { Daemon } from '../types';

export type SortKey = 'name' | 'clientId' | 'status' | 'remoteAddr' | 'localAddr' | 'version' | 'lastSeen' | 'pdfs';
export type SortDir = 'asc' | 'desc';
export interface Sort {
  key: SortKey;
  dir: SortDir;
}
export type StatusFilter = 'all' | 'online' | 'offline' | 'blocked';

const collator = new Intl.Collator('pt-BR', { numeric: true, sensitivity: 'base' });

function statusRank(d: Daemon): number {
  if (d.blocked) return 2;
  return d.status === 'online' ? 0 : 1;
}

type Value = string | number | null;

function valueOf(d: Daemon, key: SortKey): Value {
  switch (key) {
    case 'name': return d.name;
    case 'clientId': return d.clientId;
    case 'status': return statusRank(d);
    case 'remoteAddr': return d.remoteAddr;
    case 'localAddr': return d.localAddr;
    case 'version': return d.version;
    case 'lastSeen': return d.lastSeen ? Date.parse(d.lastSeen) : null;
    case 'pdfs': return d.pdfsIndexed;
  }
}

/** Empty values go last whatever the direction; ties are ordered by name, then id. */
export function compareDaemons(a: Daemon, b: Daemon, sort: Sort): number {
  const va = valueOf(a, sort.key);
  const vb = valueOf(b, sort.key);
  const emptyA = va === null || va === '';
  const emptyB = vb === null || vb === '';
  if (emptyA !== emptyB) return emptyA ? 1 : -1;
  let c = 0;
  if (!emptyA) {
    c = typeof va === 'number' && typeof vb === 'number' ? va - vb : collator.compare(String(va), String(vb));
    if (sort.dir === 'desc') c = -c;
  }
  if (c !== 0) return c;
  return collator.compare(a.name, b.name) || a.id - b.id;
}

export function matchesStatus(d: Daemon, f: StatusFilter): boolean {
  switch (f) {
    case 'all': return true;
    case 'online': return d.status === 'online';
    case 'offline': return d.status === 'offline';
    case 'blocked': return d.blocked;
  }
}

export function matchesQuery(d: Daemon, foldedQuery: string): boolean {
  if (!foldedQuery) return true;
  const hay = foldText([d.name, d.clientId, d.hostname, d.remoteAddr, d.localAddr, d.version].filter(Boolean).join('\u0001'));
  return foldedQuery.split(/\s+/).every((w) => hay.includes(w));
}

export function visibleDaemons(all: Daemon[], filter: StatusFilter, query: string, sort: Sort): Daemon[] {
  const q = foldText(query.trim());
  return all.filter((d) => matchesStatus(d, filter) && matchesQuery(d, q)).sort((a, b) => compareDaemons(a, b, sort));
}

/** The first click sorts a column the natural way: names A→Z, times and counts newest/largest first. */
export function nextSort(current: Sort, key: SortKey): Sort {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: key === 'lastSeen' || key === 'pdfs' ? 'desc' : 'asc' };
}
