import type { HttpHandler, HttpRoutes } from '../channels/types.js';

interface Route {
  handler: HttpHandler;
  public: boolean;
}

/** The gateway's HTTP routes: exact paths, by method. */
export class RouteTable implements HttpRoutes {
  private readonly routes = new Map<string, Map<string, Route>>();

  add(method: 'GET' | 'POST', path: string, handler: HttpHandler, options: { public?: boolean } = {}): void {
    let byMethod = this.routes.get(path);
    if (!byMethod) {
      byMethod = new Map();
      this.routes.set(path, byMethod);
    }
    byMethod.set(method, { handler, public: options.public ?? false });
  }

  /** The route, a 405 (path known, method not), or undefined (no such path). */
  find(method: string, path: string): Route | { allowed: string[] } | undefined {
    const byMethod = this.routes.get(path);
    if (!byMethod) return undefined;
    return byMethod.get(method === 'HEAD' ? 'GET' : method) ?? { allowed: [...byMethod.keys()] };
  }
}
