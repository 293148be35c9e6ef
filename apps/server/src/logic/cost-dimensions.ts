import { type ClientKeySet, DIMENSION_UNSET_VALUE } from "@promptreg/signing";
import { DimensionNotAllowedError } from "../errors/dimension-not-allowed-error.js";

/** One value per dimension label of the cost metrics (`none` where the request sent nothing). */
export type DimensionValues = Readonly<Record<string, string>>;

/**
 * Every dimension any client declares, sorted: the extra label names of `promptreg_cost_usd_total` and the token
 * counter. Fixed at start with the credentials, so the label set never changes while the service runs.
 */
export function declaredDimensionNames(keys: ClientKeySet | undefined): string[] {
  const names = new Set<string>();
  for (const client of keys?.clients ?? [])
    for (const name of Object.keys(client.dimensions ?? {})) names.add(name);
  return [...names].sort();
}

/**
 * The label values of one request: each requested dimension must be declared for the client with that value
 * (else `DimensionNotAllowedError`, 422, naming it); every other label is `none`. So a metric's series are bounded
 * by the declared values: templates x versions x clients x the product of (declared values + 1) per dimension.
 */
export function resolveDimensions({
  names,
  declared,
  requested,
  keyId,
}: {
  names: readonly string[];
  declared: Readonly<Record<string, readonly string[]>> | undefined;
  requested: Readonly<Record<string, string>> | undefined;
  keyId: string;
}): DimensionValues {
  const values: Record<string, string> = {};
  for (const name of names) values[name] = DIMENSION_UNSET_VALUE;
  for (const [name, value] of Object.entries(requested ?? {})) {
    const allowed = Object.hasOwn(declared ?? {}, name) ? (declared?.[name] ?? []) : [];
    if (!allowed.includes(value)) throw new DimensionNotAllowedError({ dimension: name, allowed, keyId });
    values[name] = value;
  }
  return values;
}
