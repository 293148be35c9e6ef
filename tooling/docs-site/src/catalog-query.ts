// Imported by the browser (the catalog filter component): no Node or workspace imports here.

/** What the catalog's filter reads from a row (see catalog-page.ts, which writes these as data attributes). */
export interface CatalogRowData {
  id: string;
  /** Lower-cased id, description, tags and owners. */
  search: string;
  owners: string[];
  tags: string[];
  status: string;
  labels: string[];
}

/** The filter form: free text plus one optional value per facet ("" means any). */
export interface CatalogQuery {
  text: string;
  tag: string;
  owner: string;
  status: string;
  label: string;
}

export const EMPTY_QUERY: CatalogQuery = { text: "", tag: "", owner: "", status: "", label: "" };

/** Every word of the text must occur in the row's search text, and every chosen facet value must match. */
export function matchesCatalogQuery(row: CatalogRowData, query: CatalogQuery): boolean {
  const words = query.text.toLowerCase().split(/\s+/).filter(Boolean);
  return (
    words.every((word) => row.search.includes(word)) &&
    (query.tag === "" || row.tags.includes(query.tag)) &&
    (query.owner === "" || row.owners.includes(query.owner)) &&
    (query.status === "" || row.status === query.status) &&
    (query.label === "" || row.labels.includes(query.label))
  );
}

/** The sorted distinct values of one facet over all rows, for the filter's options. */
export function facetValues(
  rows: CatalogRowData[],
  facet: "tags" | "owners" | "labels" | "status",
): string[] {
  const values = rows.flatMap((row) => (facet === "status" ? [row.status] : row[facet]));
  return [...new Set(values)].sort();
}

/** Reads a row back from the data attributes catalog-page.ts wrote. */
export function rowDataFromAttributes(get: (name: string) => string | null): CatalogRowData {
  const list = (name: string) => (get(name) ?? "").split(" ").filter(Boolean);
  return {
    id: get("data-id") ?? "",
    search: get("data-search") ?? "",
    owners: list("data-owners"),
    tags: list("data-tags"),
    status: get("data-status") ?? "",
    labels: list("data-labels"),
  };
}
