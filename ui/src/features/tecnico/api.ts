import { api } from '../../lib/api';
import type { Atendimento } from './types';

/** The atendimentos overlapping [from, to] (YYYY-MM-DD); a technician gets only those they are scheduled on. */
export const fetchAtendimentos = (range: { from: string; to: string }, signal?: AbortSignal) =>
  api.get<{ items: Atendimento[] }>('/api/atendimentos', { query: range, signal }).then((r) => r.items ?? []);
