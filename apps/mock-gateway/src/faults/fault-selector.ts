import { InvalidRequestError } from "../errors/invalid-request-error.js";
import type { GatewayConfig } from "../options.js";
import { createPrng, type Prng } from "../prng.js";
import { type FaultStep, OK_STEP, stepLabel } from "./fault-step.js";
import { parseFaultSteps } from "./parse-fault-steps.js";

export const MODEL_FAULTS_PREFIX = "mock/faults=";
const SCRIPT_CACHE_SIZE = 1000;

/** Counters returned by `stats()`. */
export interface MockGatewayStats {
  /** Every request the mock answered or tried to answer (including 400s and 404s). */
  requests: number;
  /** Chat completion requests per script key (x-mock-key, else Idempotency-Key). */
  requestsByKey: Record<string, number>;
  /** Non-`ok` steps served, by status code or kind (e.g. {"500": 2, "reset": 1}). */
  faultsServed: Record<string, number>;
  /** Sum of `faultsServed`. */
  faultsTotal: number;
  /** Successful completions generated (and so charged): every success except idempotent replays. */
  billed: number;
  /** Requests answered with the stored reply of an earlier request with the same Idempotency-Key and body. */
  replays: number;
}

export interface Selection {
  step: FaultStep;
  /** 1-based request number for the key (1 when there is no key). */
  attempt: number;
  key: string | undefined;
  /** The model reported back: `mock/echo` when the model name carried the script. */
  servedModel: string;
  source: "header" | "model" | "rule" | "random" | "none";
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(",") : value;
}

/**
 * Decides which step a chat request gets: a script from the x-mock-faults header, the model name or a
 * scenario rule (N-th request with a key -> N-th step), else a seeded random fault at the configured rate.
 */
export class FaultSelector {
  readonly #config: GatewayConfig;
  #prng: Prng;
  #counts = new Map<string, number>();
  /**
   * The keys of `#counts` by first request, as a ring once it holds maxTrackedKeys: `#oldest` is the next to forget.
   * A Map's first key is found by stepping over every slot deleted before it, so taking `keys().next()` after each
   * eviction cost up to ~115 µs per request at 100,000 keys (a benchmark sends a fresh key per call): the mock's CPU
   * per request grew from ~80 µs to ~290 µs as a benchmark ran.
   */
  #order: string[] = [];
  #oldest = 0;
  #scripts = new Map<string, FaultStep[]>();
  #faults = new Map<string, number>();
  #faultsTotal = 0;
  requests = 0;
  billed = 0;
  replays = 0;

  constructor(config: GatewayConfig) {
    this.#config = config;
    this.#prng = createPrng(config.seed);
  }

  select(model: string, headers: Record<string, string | string[] | undefined>): Selection {
    const key = header(headers["x-mock-key"]) ?? header(headers["idempotency-key"]);
    let servedModel = model;
    let script: FaultStep[] | undefined;
    let source: Selection["source"] = "none";

    const faultHeader = header(headers["x-mock-faults"]);
    if (faultHeader !== undefined && faultHeader.trim() !== "") {
      script = this.#parse(faultHeader, "x-mock-faults header");
      source = "header";
    }
    if (model.startsWith(MODEL_FAULTS_PREFIX)) {
      servedModel = "mock/echo";
      if (script === undefined) {
        const list = model.slice(MODEL_FAULTS_PREFIX.length).replaceAll("+", ",");
        script = this.#parse(list, `model name "${model}"`);
        source = "model";
      }
    }
    if (script === undefined) {
      const rule = this.#config.rules.find((candidate) => candidate.matches(model));
      if (rule) {
        script = rule.steps;
        source = "rule";
      }
    }
    // Read before counting so a bad header is a 400 that does not consume a step.
    const rate = this.#rate(headers["x-mock-fault-rate"]);

    const attempt = key === undefined ? 1 : this.#count(key);

    let step: FaultStep = OK_STEP;
    if (script !== undefined) {
      step = script[attempt - 1] ?? OK_STEP;
    } else if (rate > 0) {
      source = "random";
      const roll = this.#prng.next();
      if (roll < rate) step = this.#config.faultKinds[this.#prng.int(this.#config.faultKinds.length)]!;
    }
    if (step.kind !== "ok") {
      const label = stepLabel(step);
      this.#faults.set(label, (this.#faults.get(label) ?? 0) + 1);
      this.#faultsTotal++;
    }
    return { step, attempt, key, servedModel, source };
  }

  /** Counts a request for `key` that is answered by a replay: it takes no step of the key's script. */
  countReplay(key: string): void {
    this.#count(key);
    this.replays++;
  }

  /** One more request for `key`; returns its 1-based number. */
  #count(key: string): number {
    const attempt = (this.#counts.get(key) ?? 0) + 1;
    if (attempt === 1) {
      const max = this.#config.maxTrackedKeys;
      if (this.#order.length < max) {
        this.#order.push(key);
      } else {
        // Forget the oldest key so a long benchmark with a fresh key per request cannot grow memory forever.
        this.#counts.delete(this.#order[this.#oldest]!);
        this.#order[this.#oldest] = key;
        this.#oldest = (this.#oldest + 1) % max;
      }
    }
    this.#counts.set(key, attempt);
    return attempt;
  }

  /**
   * Clients resend the same script on every retry, so parsed scripts are cached by text (steps are never
   * mutated). Errors are not cached: they carry the origin and are rare.
   */
  #parse(list: string, origin: string): FaultStep[] {
    const cacheKey = `${origin}\u0000${list}`;
    const cached = this.#scripts.get(cacheKey);
    if (cached !== undefined) return cached;
    const steps = parseFaultSteps(list, { origin });
    if (this.#scripts.size >= SCRIPT_CACHE_SIZE) this.#scripts.clear();
    this.#scripts.set(cacheKey, steps);
    return steps;
  }

  #rate(value: string | string[] | undefined): number {
    const text = header(value);
    if (text === undefined) return this.#config.faultRate;
    const rate = Number(text);
    if (text.trim() === "" || !Number.isFinite(rate) || rate < 0 || rate > 1) {
      throw new InvalidRequestError({
        status: 400,
        param: "x-mock-fault-rate",
        message: `Header x-mock-fault-rate must be a number from 0 to 1 (e.g. 0.1), got "${text}".`,
      });
    }
    return rate;
  }

  stats(): MockGatewayStats {
    return {
      requests: this.requests,
      requestsByKey: Object.fromEntries(this.#counts),
      faultsServed: Object.fromEntries(this.#faults),
      faultsTotal: this.#faultsTotal,
      billed: this.billed,
      replays: this.replays,
    };
  }

  /** Forgets every key and counter and restarts the random sequence from the seed. */
  reset(): void {
    this.#counts.clear();
    this.#order = [];
    this.#oldest = 0;
    this.#faults.clear();
    this.#faultsTotal = 0;
    this.requests = 0;
    this.billed = 0;
    this.replays = 0;
    this.#prng = createPrng(this.#config.seed);
  }
}
