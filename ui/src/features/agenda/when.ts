import { toMs } from '../../lib/format';
import { dayOf, shortDay, timeOf } from './calendar';
import type { Atendimento } from './types';

/**
 * When, in a line: "sáb., 05/12", "sáb., 05/12, 07:00 – 18:00",
 * "sáb., 05/12, 07:00 – ter., 08/12, 18:00", "sáb., 05/12 – ter., 08/12".
 */
export function whenText(a: Pick<Atendimento, 'dataInicio' | 'dataFim'>): string {
  const startDay = dayOf(a.dataInicio);
  if (!startDay) return '—';
  const startTime = timeOf(a.dataInicio);
  const start = startTime ? `${shortDay(startDay)}, ${startTime}` : shortDay(startDay);
  const endDay = dayOf(a.dataFim);
  if (!endDay || toMs(a.dataFim) === null) return start;
  const endTime = timeOf(a.dataFim);
  if (endDay === startDay) return endTime && endTime !== startTime ? `${start} – ${endTime}` : start;
  return `${start} – ${endTime ? `${shortDay(endDay)}, ${endTime}` : shortDay(endDay)}`;
}
