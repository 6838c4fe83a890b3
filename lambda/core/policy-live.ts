/**
 * R20: the policies in force, as a function instance sees them: the deploy-time baseline with the
 * run-time overrides, the overrides document read at most once per `maxAgeMs` (a minute) per
 * instance. A contact that disconnects after a change is accepted gets it within that minute; an
 * open session keeps the policy it stored when it started.
 */
import type { PolicyConfig } from './config';
import type { PolicyIndex } from './policy';
import { indexLivePolicies } from './policy-overrides';
import type { Clock, KillSwitchState, Log, PolicySource, PolicyStore } from './ports';

/** How long a read of the overrides serves: R20's "within 60 s". */
export const LIVE_POLICIES_MAX_AGE_MS = 60_000;

export interface LivePoliciesProps {
  readonly store: Pick<PolicyStore, 'read'>;
  /** The deploy-time policies, validated. */
  readonly baseline: PolicyConfig;
  readonly clock: Clock;
  readonly log: Log;
  /** @default LIVE_POLICIES_MAX_AGE_MS */
  readonly maxAgeMs?: number | undefined;
}

/** R3, R20: the baseline merged with the live overrides, cached per instance with the clock. */
export class LivePolicies implements PolicySource {
  private cached:
    | {
        readonly index: PolicyIndex;
        readonly version: number;
        /** R18, R20: the kill switch's override in the same document. */
        readonly killSwitch: KillSwitchState | undefined;
      }
    | undefined;
  private readAt = Number.NEGATIVE_INFINITY;
  private pending: Promise<PolicyIndex> | undefined;

  constructor(private readonly props: LivePoliciesProps) {}

  /**
   * The index in force. Reads the overrides when the last read is a minute old (concurrent callers
   * share one read). When that read fails, the last index read keeps serving until the next minute
   * (logged); with none yet, the failure is the caller's (the event is retried): falling back to
   * the baseline would silently undo administrators' changes.
   */
  async index(): Promise<PolicyIndex> {
    const now = this.props.clock.now().getTime();
    if (this.cached !== undefined && now - this.readAt < (this.props.maxAgeMs ?? LIVE_POLICIES_MAX_AGE_MS)) {
      return this.cached.index;
    }
    this.pending ??= this.refresh(now).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /**
   * R18, R20: the kill switch's override, from the same cached read of the document as `index`
   * (no read of its own: still at most one read per instance per minute).
   */
  async killSwitchOverride(): Promise<KillSwitchState | undefined> {
    await this.index();
    return this.cached?.killSwitch;
  }

  private async refresh(now: number): Promise<PolicyIndex> {
    try {
      const doc = await this.props.store.read();
      // The same version: the index built from it still holds (2,000 queues are not re-indexed).
      const index =
        this.cached !== undefined && this.cached.version === doc.version
          ? this.cached.index
          : indexLivePolicies(this.props.baseline, doc);
      this.cached = { index, version: doc.version, killSwitch: doc.killSwitch?.state };
      this.readAt = now;
      return index;
    } catch (error) {
      if (this.cached === undefined) throw error;
      this.props.log.warn('Reading the live policies failed; the last ones read apply for another minute', {
        version: this.cached.version,
        error: error instanceof Error ? error.message : String(error),
      });
      this.readAt = now;
      return this.cached.index;
    }
  }
}
