// biome-ignore-all lint/suspicious/noTemplateCurlyInString: compose's ${VAR} syntax in plain strings is what is tested.
import { describe, expect, it } from "vitest";
import { composeServices, interpolate } from "./compose-file.js";

describe("interpolate (compose's rules)", () => {
  const variables = { SET: "value", EMPTY: "" };

  it("substitutes ${VAR} and $VAR, and $$ is a literal dollar", () => {
    expect(interpolate("a-${SET}-$SET-$$SET", variables)).toBe("a-value-value-$SET");
  });

  it("applies defaults: :- for unset or empty, - for unset only", () => {
    expect(interpolate("${MISSING:-d} ${EMPTY:-d} ${EMPTY-d} ${SET:-d}", variables)).toBe("d d  value");
  });

  it("fails on :? when unset or empty, with the compose file's message", () => {
    expect(() => interpolate("${MISSING:?set MISSING}", variables)).toThrow(
      /MISSING is missing a value: set MISSING/,
    );
    expect(() => interpolate("${EMPTY:?set EMPTY}", variables)).toThrow(/EMPTY/);
    expect(interpolate("${EMPTY?set EMPTY}", variables)).toBe("");
  });

  it("substitutes the alternative of :+ only when set", () => {
    expect(interpolate("${SET:+alt}|${MISSING:+alt}", variables)).toBe("alt|");
  });
});

describe("composeServices", () => {
  const file = `
services:
  base: &base
    profiles: [p]
    image: img
    environment: &env
      URL: redis://:\${PW:?set PW}@redis:6379/0
      MODE: "off"
    secrets: [keys]
    volumes: ["./a.yaml:/etc/a.yaml:ro"]
  merged:
    <<: *base
    command: ["node", "dist/worker-main.js"]
    healthcheck:
      disable: true
  other:
    image: img
    environment: ["A=1"]
`;

  it("applies merge keys, interpolates and keeps only the profile's services", () => {
    const services = composeServices(file, { variables: { PW: "secret" }, profile: "p" });
    expect(services.map((service) => service.name)).toEqual(["base", "merged"]);
    const merged = services[1];
    expect(merged?.environment).toEqual({ URL: "redis://:secret@redis:6379/0", MODE: "off" });
    expect(merged?.command).toEqual(["node", "dist/worker-main.js"]);
    expect(merged?.secrets).toEqual(["keys"]);
    expect(merged?.volumes).toEqual([{ source: "./a.yaml", target: "/etc/a.yaml" }]);
    expect(merged?.healthcheck).toEqual({ disabled: true });
    expect(services[0]?.healthcheck).toEqual({ disabled: false, command: undefined });
  });

  it("reads the list form of environment, and fails when a required variable is unset", () => {
    expect(composeServices(file, { variables: { PW: "x" } })[2]?.environment).toEqual({ A: "1" });
    expect(() => composeServices(file, { variables: {}, profile: "p" })).toThrow(/PW/);
  });
});
