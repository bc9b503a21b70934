import { describe, expect, it } from 'vitest';
import { landingFor, loginPathFor, safeNext } from './session';

describe('where to go after signing in', () => {
  it('by role', () => {
    expect(landingFor('admin')).toBe('/admin/system-monitor');
    expect(landingFor('tecnico')).toBe('/tecnico');
  });
  it('next must be a path of this site', () => {
    expect(safeNext('/admin/system-monitor/daemons/3')).toBe('/admin/system-monitor/daemons/3');
    expect(safeNext('/admin/audit?before=10')).toBe('/admin/audit?before=10');
    expect(safeNext('https://evil.example/')).toBeNull();
    expect(safeNext('//evil.example/x')).toBeNull();
    expect(safeNext('/\\evil.example')).toBeNull();
    expect(safeNext('javascript:alert(1)')).toBeNull();
    expect(safeNext('/login?next=/x')).toBeNull();
    expect(safeNext('/x\n')).toBeNull();
    expect(safeNext(null)).toBeNull();
  });
  it('the login address keeps the page', () => {
    expect(loginPathFor('/admin/system-monitor/daemons/3')).toBe('/login?next=%2Fadmin%2Fsystem-monitor%2Fdaemons%2F3');
    expect(loginPathFor('/')).toBe('/login');
    expect(loginPathFor('/login?next=%2Fx')).toBe('/login');
  });
});
