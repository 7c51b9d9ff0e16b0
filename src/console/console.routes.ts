import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router, type Response } from 'express';

// The admin console: the shell at /admin (and every /admin/... route of the page itself), its
// compiled scripts and styles at /admin/assets/*, all from dist/console (npm run build:console).
// Nothing is inline and nothing comes from elsewhere, which the CSP below holds it to.

const here = dirname(fileURLToPath(import.meta.url));
// From the sources (src/console) and from the build (dist/src/console) alike: <root>/dist/console.
const root = resolve(here, '../..');
export const CONSOLE_DIR = basename(root) === 'dist' ? join(root, 'console') : join(root, 'dist', 'console');

export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

function secure(res: Response): void {
  res.set({
    'Content-Security-Policy': CONSOLE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'same-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
  });
}

const NOT_BUILT =
  'The admin console is not built: run npm run build (or npm run build:console) and restart the service.';

/** GET / → /admin; GET /admin[/...] → the shell; GET /admin/assets/* → its files. */
export function consoleRoutes(dir: string = CONSOLE_DIR): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.redirect(302, '/admin');
  });

  router.use(
    '/admin/assets',
    (_req, res, next) => {
      secure(res);
      next();
    },
    express.static(dir, {
      index: false,
      redirect: false,
      dotfiles: 'deny',
      fallthrough: true,
      // Not content-hashed names: the browser revalidates (ETag, Last-Modified), so a new build shows at once.
      setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
    }),
  );

  const shell = join(dir, 'index.html');
  router.get(['/admin', '/admin/{*rest}'], (req, res, next) => {
    // A path that names a file (an extension in its last segment) is not one of the page's routes.
    const last = req.path.split('/').pop() ?? '';
    if (req.path.startsWith('/admin/assets/') || last.includes('.')) return next();
    secure(res);
    if (!existsSync(shell)) {
      res.status(503).set('Cache-Control', 'no-store').type('text/plain').send(NOT_BUILT);
      return;
    }
    res.set('Cache-Control', 'no-cache').sendFile(shell);
  });
  return router;
}
