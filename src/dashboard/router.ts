/** Hash routes: `#/<page>/<rest>?<params>`, so every view has a link and the back button works. */

export interface Route {
  page: string;
  /** Path segments after the page, decoded. */
  rest: string[];
  params: URLSearchParams;
}

/** The route of a location hash; the storefront when there is none. */
export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = text.split('?', 2);
  const [page = '', ...rest] = path.split('/').filter(Boolean);
  return {
    page: page || 'shop',
    rest: rest.map((part) => decodeURIComponent(part)),
    params: new URLSearchParams(search),
  };
}

/** A hash link. */
export function link(page: string, rest: string[] = [], params: Record<string, string> = {}): string {
  const search = new URLSearchParams(Object.entries(params).filter(([, value]) => value !== '')).toString();
  return `#/${[page, ...rest.map(encodeURIComponent)].join('/')}${search ? `?${search}` : ''}`;
}

/** Goes to a route (a new history entry). */
export function navigate(page: string, rest: string[] = [], params: Record<string, string> = {}): void {
  location.hash = link(page, rest, params);
}
