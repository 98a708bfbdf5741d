// Draws the charts offline: Vega-Lite → Vega → SVG in this process (no browser, no network), SVG →
// PNG with resvg (a prebuilt binary, no native build). The SVGs go inline into one HTML file.
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ChartName, Spec } from './charts.js';

export interface DrawnChart {
  name: ChartName;
  svg: string;
  png: Buffer;
}

export async function drawCharts(specs: Record<ChartName, Spec>): Promise<DrawnChart[]> {
  const drawn: DrawnChart[] = [];
  for (const [name, spec] of Object.entries(specs) as [ChartName, Spec][]) {
    const view = new vega.View(vega.parse(compile(spec as unknown as TopLevelSpec).spec), { renderer: 'none' });
    const svg = await view.toSVG();
    view.finalize();
    const png = new Resvg(svg, {
      background: 'white',
      fitTo: { mode: 'zoom', value: 1.5 },
      font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
    })
      .render()
      .asPng();
    drawn.push({ name, svg, png });
  }
  return drawn;
}
