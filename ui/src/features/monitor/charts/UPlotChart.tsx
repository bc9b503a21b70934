import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { TIME_ZONE } from '../../../lib/format';
import type { Aligned } from './series';

const names = {
  MMMM: ['janeiro', 'fevereiro', 'março', 'abril', 'maio', 'junho', 'julho', 'agosto', 'setembro', 'outubro', 'novembro', 'dezembro'],
  MMM: ['jan', 'fev', 'mar', 'abr', 'mai', 'jun', 'jul', 'ago', 'set', 'out', 'nov', 'dez'],
  WWWW: ['domingo', 'segunda', 'terça', 'quarta', 'quinta', 'sexta', 'sábado'],
  WWW: ['dom', 'seg', 'ter', 'qua', 'qui', 'sex', 'sáb'],
};

/** uPlot's US templates (month/day, 12-hour clock) → day/month, 24-hour clock. */
export function ptBrTemplate(tpl: string): string {
  return tpl
    .replace('{YYYY}-{MM}-{DD} ', '{DD}/{MM}/{YYYY} ')
    .replace(/\{M\}\/\{D\}/g, '{D}/{M}')
    .replace('{h}{aa}', '{HH}h')
    .replace(/\{h\}/g, '{HH}')
    .replace(/\{aa\}/g, '');
}

/** Axes in São Paulo time with Portuguese month and day names; 24-hour clock. */
export const timeAxisDefaults: Partial<uPlot.Options> = {
  tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1000), TIME_ZONE),
  fmtDate: (tpl: string) => uPlot.fmtDate(ptBrTemplate(tpl), names),
};

export const AXIS_STROKE = '#4a5565';
export const GRID_STROKE = '#e6e9ef';

export function axis(extra: Partial<uPlot.Axis> = {}): uPlot.Axis {
  return { stroke: AXIS_STROKE, grid: { stroke: GRID_STROKE, width: 1 }, ticks: { stroke: GRID_STROKE, width: 1 }, font: '12px system-ui, sans-serif', ...extra };
}

/** Up to this many values a line also shows its points: a lone sample has no segment to draw. */
export const SPARSE_POINTS = 48;

export function sparsePoints(size = 6): uPlot.Series.Points {
  return {
    size,
    show: (u: uPlot, seriesIdx: number) => {
      let n = 0;
      for (const v of u.data[seriesIdx] ?? []) if (v !== null && v !== undefined && ++n > SPARSE_POINTS) return false;
      return true;
    },
  };
}

interface Props {
  /** Options without size; the chart is re-created when `layoutKey` changes, else only its data is replaced. */
  options: Omit<uPlot.Options, 'width' | 'height'>;
  layoutKey: string;
  data: Aligned;
  height: number;
}

/**
 * uPlot on a canvas, sized to its container. The canvas is hidden from
 * assistive technology: each chart has a text summary and a data table.
 */
export function UPlotChart({ options, layoutKey, data, height }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef({ options, data });
  latest.current = { options, data };

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = Math.max(200, el.clientWidth);
    const u = new uPlot({ ...latest.current.options, width, height }, latest.current.data as uPlot.AlignedData, el);
    plot.current = u;
    const ro = new ResizeObserver(() => {
      const w = Math.max(200, el.clientWidth);
      if (Math.abs(w - u.width) > 1) u.setSize({ width: w, height });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [layoutKey, height]);

  useEffect(() => {
    plot.current?.setData(data as uPlot.AlignedData);
  }, [data]);

  return <div ref={box} className="uplot-box" aria-hidden="true" />;
}
