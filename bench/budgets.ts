/**
 * The budgets `npm run bench` enforces; docs/performance.md and
 * docs/decisions/0600-performance-budgets.md say why each is what it is.
 */
export interface BudgetCheck {
  readonly id: string;
  readonly limit: string;
  readonly measured: string;
  readonly pass: boolean;
  /** Checked but not enforced (e.g. timing in --quick mode, too few samples). */
  readonly advisory?: boolean;
}

/**
 * DynamoDB round trips per call, handler in-process, warm (permissions cached),
 * console connected, PIN space nearly empty. The committing write plus what
 * the design needs before it (the item the transition is validated against)
 * plus one lookup of the technician's console connections to push the change.
 * `issueTarget` is the original target (decision 0600); the record says why the
 * gate differs and what would close the gap.
 */
export const roundTripBudgets: Record<string, { readonly limit: number; readonly issueTarget?: number; readonly why: string }> = {
  'create-session': { limit: 2, why: 'TransactWriteItems(session, log) + notify lookup' },
  'generate-pin': {
    limit: 3,
    issueTarget: 1.1,
    why: 'GetItem(session) + one conditional draw + notify lookup; +1 DeleteItem when it replaces a PIN',
  },
  'redeem-pin': {
    limit: 5,
    issueTarget: 1,
    why: 'in parallel: conditional UpdateItem(client attempts) + UpdateItem(global attempts) + GetItem(PIN); then TransactWriteItems(7) + notify lookup: 3 sequential round trips',
  },
  'websocket-connect': { limit: 4, why: 'authorizer GetItem(ticket) + GetItem(session) + TransactWriteItems(3) + notify lookup' },
  'start-session': { limit: 3, issueTarget: 1, why: 'GetItem(session) + TransactWriteItems(session, log) + notify lookup' },
  'close-session': { limit: 3, why: 'GetItem(session) + TransactWriteItems(session, log, ticket) + notify lookup' },
  'list-sessions': { limit: 1, why: 'one Query of the byTechnician index' },
};

/** In-process handler p50 over the sum of the baseline p50s of the round trips it made. */
export const handlerOverheadLimit = 1.5;

/** Mean draws per PIN may exceed 1/(1-occupancy) by this many standard errors (plus 0.05 absolute) before it counts as extra work. */
export const drawToleranceStandardErrors = 3;

/**
 * Minified ESM bundle, AWS SDK included, over the floor bundle (a handler that
 * only builds a document client and makes one GetItem, bundled the same way).
 * The headroom is for the @connections client, Powertools and our own code.
 */
export const bundleLimitRatio = 1.5;
/**
 * Fresh process: CPU time of module initialisation (the import of the
 * bundle), p50, over the floor bundle's. Init is what a bundle decides; CPU
 * time, unlike wall time, hardly moves when other work shares the machine.
 * The first event is DynamoDB latency and is reported, not gated.
 */
export const coldStartLimitRatio = 1.6;
/**
 * Redeem -> applet running -> console sees waiting, p50, local gateway, over
 * its floor: the redeem call plus the applet program starting (`--version`).
 * Download, ticket check, $connect and the push to the console may at most
 * double that.
 */
export const customerPathLimitRatio = 2;
/** gzip bytes of everything the first load fetches. */
export const pageWeightLimits: Record<string, number> = { 'PIN page /': 30 * 1024, 'console /console/': 120 * 1024 };
/**
 * The support app (a Node single-executable application) from spawn to
 * `status: waiting`, p50, over the Node.js script's in the same run: the
 * app's own start (a 100+ MB binary mapped, the script read from its blob)
 * may at most double the customer's wait. Its gzip size per platform is
 * applet/native/platforms.ts' appGzipBudgetBytes (60 MB).
 */
export const appStartLimitRatio = 2;
