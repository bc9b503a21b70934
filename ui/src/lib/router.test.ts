import { describe, expect, it } from 'vitest';
import { matchPath, searchParam } from './router';

describe('matchPath', () => {
  it('matches literal segments and ignores a trailing slash', () => {
    expect(matchPath('/admin/system-monitor', '/admin/system-monitor')).toEqual({});
    expect(matchPath('/admin/system-monitor', '/admin/system-monitor/')).toEqual({});
    expect(matchPath('/', '/')).toEqual({});
    expect(matchPath('/admin', '/admin/users')).toBeNull();
  });
  it('extracts and decodes parameters', () => {
    expect(matchPath('/admin/system-monitor/daemons/:id', '/admin/system-monitor/daemons/42')).toEqual({ id: '42' });
    expect(matchPath('/x/:name', '/x/S%C3%A3o')).toEqual({ name: 'São' });
    expect(matchPath('/x/:name', '/x/%E0%A4%A')).toBeNull();
  });
  it('reads a query parameter', () => {
    expect(searchParam('?next=%2Fadmin%2Faudit', 'next')).toBe('/admin/audit');
    expect(searchParam('', 'next')).toBeNull();
  });
});
