// Colours for series, distinguishable with common colour-vision deficiencies
// (Okabe–Ito), all with at least 3:1 contrast on white.
export const SERIES_COLORS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#8a6d00', '#56147a', '#1f2937'];
export const PRIMARY = '#1d5fbf';
export const PRIMARY_FILL = 'rgba(29, 95, 191, 0.18)';
export const DANGER = '#b42318';
