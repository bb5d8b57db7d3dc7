import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Principal } from './principal.js';

export interface QuotaLimits {
  /** Calls per UTC day for each anonymous caller (by address); 0 = unlimited. */
  anonymous: number;
  /** Calls per UTC day for each API key; 0 = unlimited. */
  key: number;
  /** Calls per UTC day for the whole service; 0 = unlimited. */
  domain: number;
}

export interface QuotaState {
  limit: number;
  remaining: number;
  /** Epoch seconds of the next reset (midnight UTC). */
  reset: number;
}

export type QuotaDecision =
  | ({ allowed: true } & QuotaState)
  | ({ allowed: false; errorcode: 10002 | 10005; error: string } & QuotaState);

const DAY = 86_400;

export function nextMidnight(now = Date.now()): number {
  return Math.floor(now / 1000 / DAY) * DAY + DAY;
}

/** How long a quota check may wait for Redis before the local counter answers. */
const REDIS_TIMEOUTS = { connectTimeout: 500, commandTimeout: 250 };

/**
 * Daily call counters, in Redis when a URL is given (shared by every process; increments are atomic there) and in
 * memory otherwise. Counters are keyed by the UTC day so they reset at midnight UTC, as OpenDataSoft's do.
 *
 * Redis may fail: commands time out after 250 ms, nothing queues while it is away, and each process counts in a local
 * fallback counter until it is back (so N processes allow at most N × the quota meanwhile). Its loss and return are
 * logged once each, not per request.
 */
export class Quota {
  private readonly limiter: RateLimiterAbstract;
  private readonly redis?: Redis;
  private redisDown = false;
  private closing = false;
  /** Settles at the first connection or the first failure, so early calls do not count locally by accident. */
  private firstContact: Promise<void> = Promise.resolve();

  private readonly clock: () => number;

  constructor(
    readonly limits: QuotaLimits,
    options: { redisUrl?: string; prefix?: string; clock?: () => number; log?: (line: string) => void } = {},
  ) {
    const { redisUrl } = options;
    const log = options.log ?? ((line: string) => console.warn(line));
    this.clock = options.clock ?? Date.now;
    // Points are far above any limit: the limiter only counts, and this class compares counts with limits.
    const limiterOptions = {
      points: Number.MAX_SAFE_INTEGER,
      duration: 2 * DAY,
      keyPrefix: options.prefix ?? 'spendgraph:quota',
    };
    if (redisUrl) {
      const where = redisAddress(redisUrl);
      this.redis = new Redis(redisUrl, {
        ...REDIS_TIMEOUTS,
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        retryStrategy: (times) => Math.min(250 * times, 5_000),
      });
      const redis = this.redis;
      this.firstContact = new Promise((settle) => {
        const timer = setTimeout(settle, REDIS_TIMEOUTS.connectTimeout);
        timer.unref();
        const done = () => {
          clearTimeout(timer);
          settle();
        };
        redis.once('ready', done);
        redis.once('error', done);
      });
      const lost = (reason: string) => {
        if (this.redisDown || this.closing) return;
        this.redisDown = true;
        log(`quota: Redis at ${where} is unreachable (${reason}); counting in this process until it returns`);
      };
      this.redis.on('error', (error: Error) => lost(error.message));
      this.redis.on('close', () => lost('connection closed'));
      this.redis.on('ready', () => {
        if (!this.redisDown) return;
        this.redisDown = false;
        log(`quota: Redis at ${where} is back; counting there again`);
      });
      this.limiter = new RateLimiterRedis({
        ...limiterOptions,
        storeClient: this.redis,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory(limiterOptions),
      });
    } else {
      this.limiter = new RateLimiterMemory(limiterOptions);
    }
  }

  get store(): 'redis' | 'memory' {
    return this.redis ? 'redis' : 'memory';
  }

  /** Where counts go now: Redis, the local fallback while Redis is away, or memory when no Redis is configured. */
  get health(): 'redis' | 'redis unreachable: local counters' | 'memory' {
    if (!this.redis) return 'memory';
    return this.redis.status === 'ready' ? 'redis' : 'redis unreachable: local counters';
  }

  async close(): Promise<void> {
    if (!this.redis) return;
    this.closing = true;
    if (this.redis.status === 'ready') await this.redis.quit();
    else this.redis.disconnect();
  }

  /**
   * Counts one call by `principal` (from `address` when anonymous) and says whether it is within quota. The address
   * may be given as a function: it is asked for only when an anonymous quota counts.
   */
  take(principal: Principal, address: string | (() => string)): Promise<QuotaDecision> {
    const limit = principal.kind === 'anonymous' ? this.limits.anonymous : this.limits.key;
    // Nothing to count (the usual case for a self-hosted gateway): no clock, no date text, no await.
    if (limit <= 0 && this.limits.domain <= 0) return Promise.resolve({ allowed: true, limit, remaining: -1, reset: nextMidnight(this.clock()) });
    return this.counted(principal, typeof address === 'function' ? address() : address);
  }

  private async counted(principal: Principal, address: string): Promise<QuotaDecision> {
    const now = this.clock();
    const day = new Date(now).toISOString().slice(0, 10);
    const reset = nextMidnight(now);
    const own =
      principal.kind === 'anonymous'
        ? { key: `anon:${address}`, limit: this.limits.anonymous, errorcode: 10005 as const }
        : { key: `key:${principal.id}`, limit: this.limits.key, errorcode: 10002 as const };
    // An unlimited quota counts nothing: no Redis round trip, no counter growing for ever.
    await this.firstContact;
    const used = own.limit > 0 ? await this.count(`${own.key}:${day}`) : 0;
    const state = { limit: own.limit, remaining: own.limit > 0 ? Math.max(0, own.limit - used) : -1, reset };
    if (own.limit > 0 && used > own.limit) {
      return {
        allowed: false,
        ...state,
        errorcode: own.errorcode,
        error:
          principal.kind === 'anonymous'
            ? 'You have exceeded the requests limit for anonymous users.'
            : 'You have exceeded the requests limit for this API key.',
      };
    }
    if (this.limits.domain > 0) {
      const total = await this.count(`domain:${day}`);
      if (total > this.limits.domain) {
        return {
          allowed: false,
          limit: this.limits.domain,
          remaining: 0,
          reset,
          errorcode: 10002,
          error: 'Too many requests on the domain. Please contact the domain administrator.',
        };
      }
    }
    return { allowed: true, ...state };
  }

  private async count(key: string): Promise<number> {
    try {
      return (await this.limiter.consume(key, 1)).consumedPoints;
    } catch (result) {
      if (result instanceof RateLimiterRes) return result.consumedPoints;
      throw result;
    }
  }
}

/** host:port of a Redis URL, without credentials. */
function redisAddress(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || 6379}`;
  } catch {
    return 'the configured address';
  }
}

export function quotaLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): QuotaLimits {
  const read = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number (0 = unlimited), got "${raw}"`);
    return value;
  };
  return {
    anonymous: read('SPENDGRAPH_QUOTA_ANONYMOUS', 10_000),
    key: read('SPENDGRAPH_QUOTA_KEY', 100_000),
    domain: read('SPENDGRAPH_QUOTA_DOMAIN', 0),
  };
}
