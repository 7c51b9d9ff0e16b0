// How many users or audit events one page holds: the directory, the admin API's `limit` and the
// CLI's `--limit` all take these, so that the three never disagree.

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;
