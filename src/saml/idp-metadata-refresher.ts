import type { Logger } from '../logger.js';
import { fetchIdpMetadata, IdpMetadataError, type IdpMetadata } from './idp-metadata.js';

// Keeps a last good copy of the IdP's metadata: fetched at start, again every refresh interval,
// so that a certificate rollover at the IdP needs no restart here. A failed fetch changes nothing
// but the status (one warn line); it is retried sooner than a success would be.

/** After a failure, the next try comes this soon (or at the refresh interval, if that is shorter). */
export const RETRY_AFTER_FAILURE_SECONDS = 60;

export interface IdpMetadataStatus {
  url: string;
  lastSuccessAt: string | null;
  lastError: string | null;
  /** Signing certificates in the last good copy. */
  certificates: number;
}

export interface RefresherOptions {
  url: string;
  refreshSeconds: number;
  timeoutMs: number;
  logger: Logger;
}

export class IdpMetadataRefresher {
  private copy?: IdpMetadata;
  private lastSuccessAt?: Date;
  private lastError?: string;
  private inFlight?: Promise<boolean>;
  private timer?: NodeJS.Timeout;
  private closed = false;
  private readonly stop = new AbortController();
  /** Settles once the first fetch has succeeded or failed (never rejects). */
  readonly firstAttempt: Promise<boolean>;

  constructor(private readonly options: RefresherOptions) {
    this.firstAttempt = this.refresh();
  }

  /** The last good copy; undefined until a fetch has succeeded. */
  get metadata(): IdpMetadata | undefined {
    return this.copy;
  }

  status(): IdpMetadataStatus {
    return {
      url: shownUrl(this.options.url),
      lastSuccessAt: this.lastSuccessAt?.toISOString() ?? null,
      lastError: this.lastError ?? null,
      certificates: this.copy?.certs.length ?? 0,
    };
  }

  /** Fetches now (joining a fetch already under way); answers whether a fresh copy was taken. */
  refresh(): Promise<boolean> {
    this.inFlight ??= this.fetchOnce().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.stop.abort();
    await this.inFlight;
  }

  private async fetchOnce(): Promise<boolean> {
    const { url, timeoutMs, logger } = this.options;
    let taken = false;
    try {
      const fresh = await fetchIdpMetadata(url, { timeoutMs, signal: this.stop.signal });
      if (!this.closed) {
        if (!sameMetadata(this.copy, fresh)) {
          logger.info(
            { url: shownUrl(url), entityId: fresh.entityId, ssoUrl: fresh.ssoUrl, certificates: fresh.certs.length },
            this.copy ? 'SAML IdP metadata changed' : 'SAML IdP metadata loaded',
          );
        }
        this.copy = fresh;
        this.lastSuccessAt = new Date();
        this.lastError = undefined;
        taken = true;
      }
    } catch (error) {
      if (this.closed) return false;
      const reason =
        error instanceof IdpMetadataError
          ? error.message
          : `unexpected error: ${(error as Error)?.message ?? String(error)}`;
      this.lastError = reason;
      logger.warn(
        { url: shownUrl(url), reason },
        this.copy
          ? 'SAML IdP metadata refresh failed; keeping the last good copy'
          : 'SAML IdP metadata unavailable; SAML sign-in waits for it',
      );
    }
    this.schedule(
      taken ? this.options.refreshSeconds : Math.min(this.options.refreshSeconds, RETRY_AFTER_FAILURE_SECONDS),
    );
    return taken;
  }

  private schedule(seconds: number): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    // unref: a pending refresh never keeps a process alive that is otherwise done.
    this.timer = setTimeout(() => void this.refresh(), seconds * 1000).unref();
  }
}

const sameMetadata = (a: IdpMetadata | undefined, b: IdpMetadata) =>
  a !== undefined && a.entityId === b.entityId && a.ssoUrl === b.ssoUrl && a.certs.join() === b.certs.join();

// /readyz is public: credentials someone put in the URL stay out of it (and out of the logs).
function shownUrl(url: string): string {
  const shown = new URL(url);
  shown.username = '';
  shown.password = '';
  return shown.toString();
}
