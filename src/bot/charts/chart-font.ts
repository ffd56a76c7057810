import { createRequire } from 'node:module';

import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';

/**
 * The one font every chart is drawn and measured with: DejaVu Sans from the `dejavu-fonts-ttf` package, a
 * production dependency, so the Docker image carries it in node_modules and no system font is ever consulted
 * (a slim image has none with Cyrillic, Kazakh letters and ₸).
 */
export const CHART_FONT_FAMILY = 'DejaVu Sans';

// Resolved through Node's resolver rather than a path relative to this file: the same code runs from src under
// tsx, from the image's /app, and from a worktree whose node_modules is a symlink.
const FONT_FILE = createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');

/** What resvg needs to turn a chart's SVG into pixels with the bundled font only. */
export const RESVG_FONT: NonNullable<ResvgRenderOptions['font']> = {
  fontFiles: [FONT_FILE],
  loadSystemFonts: false,
  defaultFontFamily: CHART_FONT_FAMILY,
};

const PROBE_SIZE = 100;
/** Each character's advance as a fraction of the font size, measured once per character and process. */
const advances = new Map<string, number>();

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The ink width of `text` at PROBE_SIZE as resvg lays it out with the bundled font. */
function inkWidth(text: string): number {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${PROBE_SIZE * 8}" height="${PROBE_SIZE * 2}">` +
    `<text x="10" y="${PROBE_SIZE * 1.5}" font-family="${CHART_FONT_FAMILY}" font-size="${PROBE_SIZE}" ` +
    `xml:space="preserve">${escapeXml(text)}</text></svg>`;
  return new Resvg(svg, { font: RESVG_FONT }).getBBox()?.width ?? 0;
}

/**
 * A character's advance: «H?H» less «HH» cancels the side bearings of the ink box, leaving what the character
 * adds to a line, spaces included.
 */
function advanceOf(char: string): number {
  let advance = advances.get(char);
  if (advance === undefined) {
    advance = Math.max(0, inkWidth(`H${char}H`) - inkWidth('HH')) / PROBE_SIZE;
    advances.set(char, advance);
  }
  return advance;
}

/**
 * The width of `text` at `fontSize` px in the chart font. ECharts lays out labels and the legend by measured
 * widths; without a canvas it guesses from Arial-like ASCII widths and a full em for everything else, which
 * is narrower than DejaVu's digits (labels would overrun the edge) and far wider than its Cyrillic.
 */
export function textWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const char of text) em += advanceOf(char);
  return em * fontSize;
}
