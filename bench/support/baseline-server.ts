// The HTTP baseline of every bench: a bare Express 5 JSON route, no middleware, in its own
// process (forked by startBaseline), loaded by the same load process as the service in the same
// run. In the server's process or behind its middleware it would share their costs and flatter
// the ratio (issue 13).
import { fileURLToPath } from 'node:url';
import express from 'express';
import type { Op } from './http-load.js';
import { LoadProcess } from './load-process.js';
import type { Resources } from './resources.js';

export const BARE_PATH = '/bare';

/** Forks the baseline process; answers its origin and the op that loads it. */
export async function startBaseline(res: Resources): Promise<{ url: string; pid?: number; op: Op }> {
  const child = res.process(
    new LoadProcess<never, { type: 'listening'; port: number }>('baseline-server.ts', 'the baseline server'),
  );
  const { port } = await child.next('listening', 30_000);
  const url = `http://127.0.0.1:${port}`;
  return { url, pid: child.pid, op: { name: 'bare', url, path: BARE_PATH, status: 200, bodyHas: '"ok":true' } };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.on('disconnect', () => process.exit(0));
  const app = express();
  app.disable('x-powered-by');
  app.get(BARE_PATH, (_req, res) => {
    res.json({ ok: true, service: 'rune-directory', bench: 'baseline', at: 1 });
  });
  const server = app.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send!({ type: 'listening', port: typeof address === 'object' && address ? address.port : 0 });
  });
}
