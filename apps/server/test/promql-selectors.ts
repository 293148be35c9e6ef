import type { SyntaxNode } from "@lezer/common";
import { parser } from "@prometheus-io/lezer-promql";

/** One `metric{label op "value"}` of a PromQL expression. */
export interface Selector {
  metric: string;
  matchers: { label: string; op: "=" | "!=" | "=~" | "!~"; value: string }[];
}

/** What an expression reads: its selectors, and the labels each aggregation groups by, with the selectors below it. */
export interface PromqlReads {
  selectors: Selector[];
  groupings: { labels: string[]; selectors: Selector[] }[];
}

const MATCH_OPS = { EqlSingle: "=", Neq: "!=", EqlRegex: "=~", NeqRegex: "!~" } as const;

/** Grafana's variables are not PromQL; a fixed duration stands in for them. */
const GRAFANA_DURATIONS = /\$__(rate_interval|interval|range)/g;

function stringValue(text: string): string {
  return JSON.parse(text.startsWith("'") ? `"${text.slice(1, -1).replaceAll('"', '\\"')}"` : text) as string;
}

function selectorOf(node: SyntaxNode, source: string): Selector {
  const text = (child: SyntaxNode | null) => (child ? source.slice(child.from, child.to) : "");
  const matchers: Selector["matchers"] = [];
  let metric = text(node.getChild("Identifier"));
  const list = node.getChild("LabelMatchers");
  for (const matcher of list?.getChildren("UnquotedLabelMatcher") ?? []) {
    const opNode = matcher.getChild("MatchOp")?.firstChild;
    const op = MATCH_OPS[(opNode?.name ?? "EqlSingle") as keyof typeof MATCH_OPS];
    const label = text(matcher.getChild("LabelName"));
    const value = stringValue(text(matcher.getChild("StringLiteral")));
    if (label === "__name__" && op === "=") metric = value;
    else matchers.push({ label, op, value });
  }
  return { metric, matchers };
}

/**
 * Parses `expr` with Prometheus' own grammar (the one its web UI uses) and lists what it reads. Throws on a syntax
 * error, naming the position, so a broken rule or panel fails the test that reads it.
 */
export function promqlReads(expr: string): PromqlReads {
  const source = expr.replace(GRAFANA_DURATIONS, "5m");
  const tree = parser.parse(source);
  const selectors: Selector[] = [];
  const groupings: PromqlReads["groupings"] = [];
  const selectorsUnder = (node: SyntaxNode) => {
    const found: Selector[] = [];
    const cursor = node.cursor();
    do {
      if (cursor.name === "VectorSelector") found.push(selectorOf(cursor.node, source));
    } while (cursor.next() && cursor.from < node.to);
    return found;
  };
  tree.iterate({
    enter(ref) {
      if (ref.type.isError) throw new Error(`PromQL syntax error at offset ${ref.from} of: ${expr}`);
      if (ref.name === "VectorSelector") selectors.push(selectorOf(ref.node, source));
      if (ref.name === "AggregateExpr") {
        const modifier = ref.node.getChild("AggregateModifier");
        if (modifier?.getChild("By")) {
          const labels = (modifier.getChild("GroupingLabels")?.getChildren("LabelName") ?? []).map((label) =>
            source.slice(label.from, label.to),
          );
          groupings.push({ labels, selectors: selectorsUnder(ref.node) });
        }
      }
    },
  });
  return { selectors, groupings };
}
