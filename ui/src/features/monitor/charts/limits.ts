/** How many daemons the latency chart draws (the highest latencies). Shared with the page, without pulling uPlot into it. */
export const LATENCY_TOP_N = 6;
