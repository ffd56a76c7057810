/**
 * The cookies of one Kaspi login or cabinet session, by name. Kaspi's cookies live on `.kaspi.kz`, shared by
 * idmc, mc and the storefront, so one name → value map is what a browser would send to each of them. The jar
 * is only ever sent to the configured Kaspi base URLs.
 */
export class CookieJar {
  private readonly cookies = new Map<string, string>();
  /** Called after `absorb` changed cookies (the session manager stores a rotated session cookie at once). */
  onChange: ((names: string[]) => void) | undefined;

  constructor(initial?: Record<string, string>) {
    for (const [name, value] of Object.entries(initial ?? {})) this.cookies.set(name, value);
  }

  /** Takes every `Set-Cookie` header of a response; an expired or emptied cookie is removed. */
  absorb(setCookie: string[] | string | undefined): string[] {
    const headers = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie];
    const changed: string[] = [];
    for (const header of headers) {
      const [pair = '', ...attributes] = header.split(';');
      const separator = pair.indexOf('=');
      if (separator <= 0) continue;
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      const expired = attributes.some((attribute) => {
        const [key = '', raw = ''] = attribute.split('=');
        const lower = key.trim().toLowerCase();
        if (lower === 'max-age') return Number(raw) <= 0;
        if (lower === 'expires') return Date.parse(raw) <= Date.now();
        return false;
      });
      if (expired || value === '') this.cookies.delete(name);
      else if (this.cookies.get(name) !== value) this.cookies.set(name, value);
      else continue;
      changed.push(name);
    }
    if (changed.length) this.onChange?.(changed);
    return changed;
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  has(...names: string[]): boolean {
    return names.every((name) => this.cookies.has(name));
  }

  header(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  toJSON(): Record<string, string> {
    return Object.fromEntries(this.cookies);
  }

  clone(): CookieJar {
    return new CookieJar(this.toJSON());
  }
}
