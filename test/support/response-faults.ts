// Preloaded (node --import) into a real `rune-directory serve` child process by
// test/security/metrics.spec.ts, never into the test process. It faults a response of the real
// server on request, through Node's own http diagnostics channel, so no production code knows
// about it:
//   ?fault=finish     a 'finish' listener of the response throws
//   ?fault=pollute    Object.prototype carries an inherited, enumerable property while the
//                     response finishes (what scimmy's filter parser once wrote there)
//   ?fault=elsewhere  a timer throws: an uncaught error that is not a response listener's
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse, Server } from 'node:http';

subscribe('http.server.request.start', (message) => {
  const { request, response, server } = message as {
    request: IncomingMessage;
    response: ServerResponse;
    server: Server;
  };
  const fault = /[?&]fault=(\w+)/.exec(request.url ?? '')?.[1];
  if (fault === 'finish') {
    // Added on 'request', after Node's own finish listener, as the app's listeners are.
    server.once('request', () =>
      response.on('finish', () => {
        throw new Error('fault injected into a finish listener');
      }),
    );
  } else if (fault === 'pollute') {
    (Object.prototype as Record<string, unknown>).polluted = 'yes';
    response.on('close', () => {
      delete (Object.prototype as Record<string, unknown>).polluted;
    });
  } else if (fault === 'elsewhere') {
    setImmediate(() => {
      throw new Error('fault injected outside any response');
    });
  }
});
