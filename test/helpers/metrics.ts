/** Reading `GET /metrics` pages in tests. */

/** The value of one sample of a Prometheus text page (labels matched exactly), or NaN when absent. */
export function metricValue(page: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .sort()
    .join(',');
  for (const line of page.split('\n')) {
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = (match[2] ?? '').split(',').filter(Boolean).sort().join(',');
    if (have === wanted) return Number(match[3]);
  }
  return Number.NaN;
}

/** The sum of every sample of a metric whose labels include these (Prometheus' `sum(metric{…})`). */
export function metricSum(page: string, name: string, labels: Record<string, string | RegExp> = {}): number {
  let sum = 0;
  for (const line of page.split('\n')) {
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)].map((pair) => [pair[1], pair[2]]),
    );
    const matches = Object.entries(labels).every(([key, value]) =>
      typeof value === 'string' ? have[key] === value : value.test(have[key] ?? ''),
    );
    if (matches) sum += Number(match[3]);
  }
  return sum;
}

export async function fetchMetrics(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  return response.text();
}
