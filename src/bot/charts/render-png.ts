import { Resvg } from '@resvg/resvg-js';
import { LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent } from 'echarts/components';
import { init, setPlatformAPI, use, type ComposeOption } from 'echarts/core';
import type { GridComponentOption, LegendComponentOption } from 'echarts/components';
import type { LineSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import { SVGRenderer } from 'echarts/renderers';

import { CHART_FONT_FAMILY, RESVG_FONT, textWidth } from './chart-font.js';

/**
 * Any chart the bot sends: an Apache ECharts option rendered server-side to SVG, then to a PNG by resvg with
 * the bundled font. Only the pieces the bot's charts use are registered, which keeps the first chart's import
 * light.
 */
use([LineChart, ScatterChart, GridComponent, LegendComponent, SVGRenderer]);

const DEFAULT_FONT_SIZE = 12;
// Without a DOM, ECharts measures text through this hook; the chart font's real widths keep labels and the
// legend where the PNG will draw them.
setPlatformAPI({
  measureText(text: string, font?: string) {
    const size = Number(/(\d+(?:\.\d+)?)px/.exec(font ?? '')?.[1]) || DEFAULT_FONT_SIZE;
    return { width: textWidth(text ?? '', size) };
  },
});

export type ChartOption = ComposeOption<
  LineSeriesOption | ScatterSeriesOption | GridComponentOption | LegendComponentOption
>;

export interface RenderedChart {
  /** What was drawn, for checks that read the labels as text. */
  svg: string;
  png: Buffer;
}

/** Renders `option` at exactly `width`×`height` px on white, with no animation, in the chart font. */
export function renderChart(option: ChartOption, width: number, height: number): RenderedChart {
  const chart = init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({
      animation: false,
      backgroundColor: '#ffffff',
      ...option,
      textStyle: { fontFamily: CHART_FONT_FAMILY, ...(option.textStyle as object | undefined) },
    });
    const svg = chart.renderToSVGString();
    const png = new Resvg(longhandFonts(svg), { font: RESVG_FONT, fitTo: { mode: 'original' }, background: '#ffffff' })
      .render()
      .asPng();
    return { svg, png };
  } finally {
    chart.dispose();
  }
}

/**
 * ECharts writes some labels' font as the CSS shorthand (`font: normal normal 22px DejaVu Sans`), which resvg
 * ignores, drawing them at its 12 px default; the longhand properties it reads say the same.
 */
function longhandFonts(svg: string): string {
  return svg.replace(
    /font:\s*(normal|italic|oblique)\s+(normal|bold|bolder|lighter|\d{3})\s+(\d+(?:\.\d+)?)px\s+([^;"]+)/g,
    (_, style: string, weight: string, size: string, family: string) =>
      `font-style:${style};font-weight:${weight};font-size:${size}px;font-family:${family.trim()}`,
  );
}
