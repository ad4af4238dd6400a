import type { ChartData } from './queries';
import { renderChart } from './chart';
import { xmlAttr, xmlText } from './xml';

export interface DashboardInput {
  charts: readonly ChartData[];
  /** More series than the page shows: the cursor for the next page of the dashboard. */
  nextUrl?: string;
  generatedAt: Date;
}

/**
 * The dashboard: one chart per series (server-rendered SVG, inline), with links to each series'
 * data as JSON, CSV and SVG, and to the alert feed. No script at all, so the page can be served with
 * a Content-Security-Policy that forbids scripts; point tooltips come from SVG <title> elements.
 */
export function renderDashboard(input: DashboardInput): string {
  const sections = input.charts.map((c) => {
    const id = encodeURIComponent(c.series.seriesId);
    return [
      `<section class="series" id="series-${xmlAttr(c.series.seriesId)}">`,
      renderChart(c),
      `<p class="links">${c.observations.length} observations, ${c.alerts.length} alerts shown · `,
      `<a href="series/${xmlAttr(id)}/observations">JSON</a> · <a href="series/${xmlAttr(id)}/observations?format=csv">CSV</a> · `,
      `<a href="series/${xmlAttr(id)}/chart.svg">SVG</a> · <a href="alerts.atom?series=${xmlAttr(id)}">alert feed</a></p>`,
      '</section>',
    ].join('\n');
  });
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>borderwatch dashboard</title>',
    '<link rel="alternate" type="application/atom+xml" title="borderwatch alerts" href="alerts.atom">',
    '<style>',
    'body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222;background:#fafafa}',
    'section.series{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.75rem;margin:0 0 1rem;max-width:780px}',
    'svg{max-width:100%;height:auto;display:block}',
    '.links{font-size:.85rem;color:#555;margin:.4rem 0 0}',
    '.legend span{display:inline-block;margin-right:1rem}',
    '.swatch{display:inline-block;width:.9em;height:.9em;vertical-align:-.1em;margin-right:.3em}',
    '</style>',
    '</head>',
    '<body>',
    '<h1>borderwatch</h1>',
    `<p class="legend"><span><i class="swatch" style="background:#1f4e79"></i>figures</span><span><i class="swatch" style="background:#cfe1f2"></i>baseline band (drop and surge thresholds)</span><span><i class="swatch" style="background:#e4002b;border-radius:50%"></i>alert</span></p>`,
    ...(sections.length > 0 ? sections : ['<p class="empty">No series yet: run the scraper (<code>borderwatch run</code>) first.</p>']),
    ...(input.nextUrl ? [`<p><a rel="next" href="${xmlAttr(input.nextUrl)}">More series</a></p>`] : []),
    `<footer><p>Generated ${xmlText(input.generatedAt.toISOString())} · <a href="alerts.atom">Alert feed (Atom)</a> · <a href="series">Series (JSON)</a></p></footer>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
