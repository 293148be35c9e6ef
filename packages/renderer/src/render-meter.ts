import { BUDGETS } from "./budgets.js";
import type { RenderBudgetName } from "./errors/render-budget-error.js";
import type { HelperLocation } from "./helpers.js";

/**
 * Thrown inside a render when a budget runs out. The renderer turns it into a RenderBudgetError with the message
 * index; `loc` is the construct that went over (a `{{> name}}`, an `{{#each}}`), undefined for a whole message.
 * Internal control flow, never thrown out of the package (not in index.ts), so not a PromptregBaseError.
 */
export class BudgetExceeded extends Error {
  constructor(
    readonly budget: RenderBudgetName,
    readonly limit: number,
    readonly loc: HelperLocation | undefined,
    readonly detail: string,
  ) {
    super(detail);
    this.name = "BudgetExceeded";
  }
}

/**
 * The work of one render: partial expansions, `#each` iterations, and output. Output is a running lower bound of
 * the final length, checked whenever a construct completes (a message, a partial, an `#each` iteration): its
 * length is added, minus what its own completed children had added, since their text is inside it. So a render
 * stops as soon as the output it has already built is over budget, not after building all of it.
 */
export class RenderMeter {
  private expansions = 0;
  private iterations = 0;
  /** Per open construct (outermost first), the output its completed children produced. */
  private readonly open: number[] = [0];
  private total = 0;

  expand(name: string, loc: HelperLocation | undefined): void {
    if (++this.expansions > BUDGETS.maxPartialExpansions) {
      throw new BudgetExceeded(
        "partial_expansions",
        BUDGETS.maxPartialExpansions,
        loc,
        `including "${name}" would be partial expansion number ${this.expansions} of this render`,
      );
    }
  }

  iterate(loc: HelperLocation | undefined): void {
    if (++this.iterations > BUDGETS.maxEachIterations) {
      throw new BudgetExceeded(
        "each_iterations",
        BUDGETS.maxEachIterations,
        loc,
        `this {{#each}} would run iteration number ${this.iterations} of this render`,
      );
    }
  }

  enter(): void {
    this.open.push(0);
  }

  exit(length: number, loc: HelperLocation | undefined): void {
    const children = this.open.pop() ?? 0;
    this.total += length - children;
    this.open[this.open.length - 1]! += length;
    if (this.total > BUDGETS.maxRenderedChars) {
      throw new BudgetExceeded(
        "rendered_chars",
        BUDGETS.maxRenderedChars,
        loc,
        `the output reached ${this.total} characters`,
      );
    }
  }
}
