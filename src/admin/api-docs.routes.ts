import { createRequire } from 'node:module';
import express, { Router, type RequestHandler } from 'express';

// GET /api/v1/docs: the OpenAPI document as a readable reference. Swagger UI is served from
// the installed swagger-ui-dist (no CDN, no web fonts) with our own page and initializer
// (the package's own point at the petstore), under a Content-Security-Policy that allows
// nothing but this origin: Swagger UI sets inline styles and draws icons as data: images.

const require = createRequire(import.meta.url);
const { getAbsoluteFSPath } = require('swagger-ui-dist') as { getAbsoluteFSPath(): string };

const BASE = '/api/v1/docs';
const DOCUMENT_URL = '/api/v1/openapi.json';
// Only what the page loads; the package's index.html, petstore initializer and OAuth pages are not served.
const ASSETS = new Set([
  '/swagger-ui.css',
  '/swagger-ui-bundle.js',
  '/index.css',
  '/favicon-32x32.png',
  '/favicon-16x16.png',
]);

export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Rune Directory API reference</title>
    <link rel="stylesheet" href="${BASE}/swagger-ui.css">
    <link rel="stylesheet" href="${BASE}/index.css">
    <link rel="icon" type="image/png" href="${BASE}/favicon-32x32.png" sizes="32x32">
  </head>
  <body>
    <main id="swagger-ui"><noscript>The reference needs JavaScript; the document itself is at <a href="${DOCUMENT_URL}">${DOCUMENT_URL}</a>.</noscript></main>
    <script src="${BASE}/swagger-ui-bundle.js"></script>
    <script src="${BASE}/initializer.js"></script>
  </body>
</html>
`;

// validatorUrl null: Swagger UI would otherwise send the document to validator.swagger.io.
const INITIALIZER = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(DOCUMENT_URL)},
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;

const secured: RequestHandler = (_req, res, next) => {
  res.set({
    'Content-Security-Policy': DOCS_CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
  next();
};

/** /api/v1/docs: the page, its initializer and Swagger UI's assets; public, like the document. */
export function apiDocsRoutes(): Router {
  const router = Router();
  const assets = express.static(getAbsoluteFSPath(), { index: false, redirect: false, maxAge: '1h' });
  router.use('/docs', secured);
  router.get('/docs', (_req, res) => {
    res.type('html').set('Cache-Control', 'no-cache').send(PAGE);
  });
  router.get('/docs/initializer.js', (_req, res) => {
    res.type('text/javascript').set('Cache-Control', 'no-cache').send(INITIALIZER);
  });
  router.use('/docs', (req, res, next) => (ASSETS.has(req.path) ? assets(req, res, next) : next()));
  return router;
}
