import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CatalogRowData,
  EMPTY_QUERY,
  facetValues,
  matchesCatalogQuery,
  rowDataFromAttributes,
} from "./catalog-query.js";

const row = (overrides: Partial<CatalogRowData>): CatalogRowData => ({
  id: "support/triage",
  search: "support/triage classify an incoming ticket support ops@acme.example",
  owners: ["ops@acme.example"],
  tags: ["support"],
  status: "published",
  labels: ["production"],
  ...overrides,
});

const arbitraryRow = fc.record({
  id: fc.string(),
  search: fc.string().map((text) => text.toLowerCase()),
  owners: fc.array(fc.constantFrom("a@x", "b@x", "c@x")),
  tags: fc.array(fc.constantFrom("sql", "support", "json")),
  status: fc.constantFrom("draft", "published", "deprecated"),
  labels: fc.array(fc.constantFrom("production", "staging")),
});
const arbitraryQuery = fc.record({
  text: fc.string({ maxLength: 6 }),
  tag: fc.constantFrom("", "sql", "support"),
  owner: fc.constantFrom("", "a@x", "b@x"),
  status: fc.constantFrom("", "draft", "published"),
  label: fc.constantFrom("", "production"),
});

describe("matchesCatalogQuery", () => {
  it("needs every word of the text (any case, any order) and every chosen facet", () => {
    expect(matchesCatalogQuery(row({}), { ...EMPTY_QUERY, text: "TICKET classify" })).toBe(true);
    expect(matchesCatalogQuery(row({}), { ...EMPTY_QUERY, text: "ticket refund" })).toBe(false);
    expect(
      matchesCatalogQuery(row({}), { ...EMPTY_QUERY, owner: "ops@acme.example", label: "production" }),
    ).toBe(true);
    expect(matchesCatalogQuery(row({}), { ...EMPTY_QUERY, status: "draft" })).toBe(false);
    expect(matchesCatalogQuery(row({}), { ...EMPTY_QUERY, tag: "sql" })).toBe(false);
  });

  it("the empty query shows everything, and narrowing a query never shows more rows", () => {
    fc.assert(
      fc.property(
        fc.array(arbitraryRow),
        arbitraryQuery,
        fc.constantFrom("tag", "owner", "status", "label"),
        (rows, query, facet) => {
          expect(rows.every((entry) => matchesCatalogQuery(entry, EMPTY_QUERY))).toBe(true);
          const broad = rows.filter((entry) => matchesCatalogQuery(entry, { ...query, [facet]: "" }));
          const narrow = rows.filter((entry) => matchesCatalogQuery(entry, query));
          expect(narrow.every((entry) => broad.includes(entry))).toBe(true);
        },
      ),
    );
  });

  it("reads rows back from data attributes and lists facet values once, sorted", () => {
    const attributes: Record<string, string> = {
      "data-id": "a/b",
      "data-search": "a/b text",
      "data-owners": "x@y z@y",
      "data-tags": "",
      "data-status": "draft",
      "data-labels": "staging",
    };
    const read = rowDataFromAttributes((name) => attributes[name] ?? null);
    expect(read).toEqual({
      id: "a/b",
      search: "a/b text",
      owners: ["x@y", "z@y"],
      tags: [],
      status: "draft",
      labels: ["staging"],
    });
    expect(facetValues([read, row({})], "owners")).toEqual(["ops@acme.example", "x@y", "z@y"]);
    expect(facetValues([read, row({})], "status")).toEqual(["draft", "published"]);
  });
});
