import { describe, expect, it, vi } from 'vitest';
import type { DaemonHeartbeatEvent } from './events';
import { createSocketLayer, type SocketLike } from './socket';

/** Stands in for a socket.io-client Socket: the test plays the server. */
class FakeSocket implements SocketLike {
  active = false;
  connects = 0;
  disconnects = 0;
  private handlers = new Map<string, ((...a: any[]) => void)[]>();
  private any: ((event: string, ...a: any[]) => void)[] = [];
  connect() {
    this.connects++;
    this.active = true;
  }
  disconnect() {
    this.disconnects++;
    this.active = false;
    this.fire('disconnect', 'io client disconnect');
  }
  on(event: string, fn: (...a: any[]) => void) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), fn]);
  }
  onAny(fn: (event: string, ...a: any[]) => void) {
    this.any.push(fn);
  }
  fire(event: string, ...args: unknown[]) {
    for (const h of this.handlers.get(event) ?? []) h(...args);
  }
  /** A server event (what onAny sees). */
  emitFromServer(event: string, payload: unknown) {
    for (const h of this.any) h(event, payload);
  }
}

function setup(opts: { verify?: () => Promise<boolean> } = {}) {
  const sockets: FakeSocket[] = [];
  const timers: (() => void)[] = [];
  const onSessionEnded = vi.fn();
  const layer = createSocketLayer({
    factory: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    verifySession: opts.verify,
    onSessionEnded,
    setTimeout: (fn) => {
      timers.push(fn);
      return timers.length;
    },
    clearTimeout: () => {},
  });
  return { layer, sockets, timers, onSessionEnded };
}

const hb: DaemonHeartbeatEvent = { clientId: 'office-sp', at: '2026-01-03T10:00:00Z', rttMs: 12, uptimeSeconds: 60, memoryBytes: 1, pdfsIndexed: 3, pdfsUploaded: 0, localAddr: '10.0.0.2', version: '1.0.0' };

describe('socket layer', () => {
  it('connects once, tracks the connection state', () => {
    const { layer, sockets } = setup();
    expect(layer.state.get()).toBe('idle');
    layer.start();
    layer.start();
    expect(sockets).toHaveLength(1);
    expect(sockets[0]!.connects).toBe(1);
    expect(layer.state.get()).toBe('connecting');
    sockets[0]!.fire('connect');
    expect(layer.state.get()).toBe('connected');
  });

  it('delivers typed events to subscribers until they unsubscribe; a failing handler does not stop the others', () => {
    const { layer, sockets } = setup();
    layer.start();
    const seen: DaemonHeartbeatEvent[] = [];
    const bad = vi.fn(() => {
      throw new Error('boom');
    });
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    layer.on('daemon:heartbeat', bad);
    const off = layer.on('daemon:heartbeat', (e) => seen.push(e));
    sockets[0]!.emitFromServer('daemon:heartbeat', hb);
    sockets[0]!.emitFromServer('pdf:indexed', { pdfId: 1 });
    expect(seen).toEqual([hb]);
    expect(bad).toHaveBeenCalledTimes(1);
    expect(err).toHaveBeenCalled();
    off();
    sockets[0]!.emitFromServer('daemon:heartbeat', hb);
    expect(seen).toHaveLength(1);
  });

  it('a dropped transport shows "reconnecting" and the manager reconnects by itself', () => {
    const { layer, sockets, timers } = setup();
    layer.start();
    const s = sockets[0]!;
    s.fire('connect');
    s.fire('disconnect', 'transport close');
    expect(layer.state.get()).toBe('reconnecting');
    expect(timers).toHaveLength(0);
    s.fire('connect');
    expect(layer.state.get()).toBe('connected');
  });

  it('a refusal the client does not retry (503) is retried after a delay', () => {
    const { layer, sockets, timers, onSessionEnded } = setup();
    layer.start();
    const s = sockets[0]!;
    s.active = false;
    s.fire('connect_error', { message: 'database unavailable, retry later', data: { code: 503 } });
    expect(layer.state.get()).toBe('reconnecting');
    expect(layer.lastError.get()).toBe('database unavailable, retry later');
    expect(timers).toHaveLength(1);
    timers[0]!();
    expect(s.connects).toBe(2);
    expect(onSessionEnded).not.toHaveBeenCalled();
  });

  it('a 401 refusal ends the session', () => {
    const { layer, sockets, onSessionEnded } = setup();
    layer.start();
    sockets[0]!.fire('connect_error', { message: 'your session ended; sign in again', data: { code: 401 } });
    expect(layer.state.get()).toBe('ended');
    expect(onSessionEnded).toHaveBeenCalledTimes(1);
  });

  it('the server closing the namespace: asks whether the session lives, reconnects if so', async () => {
    const { layer, sockets, timers, onSessionEnded } = setup({ verify: async () => true });
    layer.start();
    const s = sockets[0]!;
    s.fire('connect');
    s.active = false;
    s.fire('disconnect', 'io server disconnect');
    expect(layer.state.get()).toBe('reconnecting');
    await Promise.resolve();
    await Promise.resolve();
    expect(timers).toHaveLength(1);
    timers[0]!();
    expect(s.connects).toBe(2);
    expect(onSessionEnded).not.toHaveBeenCalled();
  });

  it('the server closing the namespace because the session ended: state "ended"', async () => {
    const { layer, sockets, onSessionEnded } = setup({ verify: async () => false });
    layer.start();
    sockets[0]!.fire('connect');
    sockets[0]!.fire('disconnect', 'io server disconnect');
    await Promise.resolve();
    await Promise.resolve();
    expect(layer.state.get()).toBe('ended');
    expect(onSessionEnded).toHaveBeenCalledTimes(1);
  });

  it('stop disconnects and forgets the socket; start makes a new one', () => {
    const { layer, sockets } = setup();
    layer.start();
    sockets[0]!.fire('connect');
    layer.stop();
    expect(sockets[0]!.disconnects).toBe(1);
    expect(layer.state.get()).toBe('idle');
    // Late events of the old socket change nothing.
    sockets[0]!.fire('disconnect', 'transport close');
    expect(layer.state.get()).toBe('idle');
    layer.start();
    expect(sockets).toHaveLength(2);
  });
});
