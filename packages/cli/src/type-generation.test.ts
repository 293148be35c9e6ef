import path from "node:path";
import { loadRegistryFromDir } from "@promptreg/registry";
import fc from "fast-check";
import { compile } from "json-schema-to-typescript";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeTempDir } from "./__fixtures__/run-cli.js";
import { templateYaml, validTree, writeTree } from "./__fixtures__/trees.js";
import { generateTemplateTypes, idTypeName, versionTypeSuffix } from "./type-generation.js";

let temp: { dir: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  temp = await makeTempDir();
});
afterEach(async () => {
  await temp.cleanup();
});

function mapEntries(source: string): Map<string, string> {
  const body = /export interface TemplateMap \{\n([\s\S]*?)\n\}/.exec(source)?.[1] ?? "";
  return new Map(
    body.split("\n").map((line) => {
      const match = /^ {2}"([^"]+)": (.+);$/.exec(line);
      if (!match) throw new Error(`unexpected TemplateMap line: ${line}`);
      return [match[1]!, match[2]!];
    }),
  );
}

describe("generateTemplateTypes", () => {
  it("keys every exact version, label, published major and latest", async () => {
    const source = await generateTemplateTypes(await loadRegistryFromDir(validTree));
    const entries = mapEntries(source);
    expect([...entries.keys()]).toEqual([
      "greeting/hello",
      "greeting/hello@1.0.0",
      "greeting/hello@1.1.0",
      "greeting/hello@2.0.0",
      "greeting/hello@^1",
      "greeting/hello@latest",
      "greeting/hello@next",
      "greeting/hello@production",
      "support/triage",
      "support/triage@1.0.0",
      "support/triage@^1",
      "support/triage@latest",
    ]);
    expect(entries.get("greeting/hello@production")).toBe(
      "{ input: GreetingHelloV1_0_0Input; output: string }",
    );
    expect(entries.get("greeting/hello")).toBe(
      "{ input: GreetingHelloV1_1_0Input; output: GreetingHelloV1_1_0Output }",
    );
    expect(entries.get("greeting/hello@next")).toBe("{ input: GreetingHelloV2_0_0Input; output: string }");
    expect(source).toContain("export type TemplateRefKey = keyof TemplateMap;");
    expect(source).toMatch(
      /export interface GreetingHelloV1_1_0Input \{\n {2}\/\*\*\n {3}\* The name to greet\.\n {3}\*\/\n {2}name: string;\n {2}\/\*\*\n {3}\* How the greeting sounds\.\n {3}\*\/\n {2}tone\?: "warm" \| "formal";/,
    );
  });

  it("gives distinct, predictable names to ids that read alike, prereleases and digit-letter segments", async () => {
    const root = path.join(temp.dir, "t");
    await writeTree(root, {
      "a-b/c/1.0.0.yaml": templateYaml({ id: "a-b/c", version: "1.0.0" }),
      "a/b-c/1.0.0.yaml": templateYaml({ id: "a/b-c", version: "1.0.0" }),
      "v2beta/x/1.0.0-rc.1.yaml": templateYaml({ id: "v2beta/x", version: "1.0.0-rc.1" }),
    });
    const entries = mapEntries(await generateTemplateTypes(await loadRegistryFromDir(root)));
    expect(entries.get("a-b/c@1.0.0")).toBe("{ input: ABCV1_0_0Input; output: string }");
    expect(entries.get("a/b-c@1.0.0")).toBe("{ input: ABC2V1_0_0Input; output: string }");
    expect(entries.get("v2beta/x@1.0.0-rc.1")).toBe("{ input: V2BetaXV1_0_0_Rc_1Input; output: string }");
    // A prerelease is never "latest" or a range match unless the range names it.
    expect(entries.has("v2beta/x")).toBe(false);
    expect(entries.has("v2beta/x@^1")).toBe(false);
  });

  it("ignores schema titles for naming but keeps a property called title", async () => {
    const root = path.join(temp.dir, "t");
    const yaml = templateYaml({ id: "doc/page", version: "1.0.0" })
      .replace("  type: object\n  properties:\n", "  type: object\n  title: Fancy Name\n  properties:\n")
      .replace(
        "    text: { type: string, maxLength: 1000, description: The text. }\n",
        "    text: { type: string, title: Body }\n    title: { type: string }\n",
      )
      .replace('content: "{{text}}"', 'content: "{{title}} {{text}}"');
    await writeTree(root, { "doc/page/1.0.0.yaml": yaml });
    const source = await generateTemplateTypes(await loadRegistryFromDir(root));
    expect(source).not.toContain("FancyName");
    expect(source).not.toContain("Body");
    expect(source).toMatch(
      /export interface DocPageV1_0_0Input \{\n {2}text: string;\n {2}title\?: string;\n\}/,
    );
  });
});

describe("type names", () => {
  const segment = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,12}$/);
  const id = fc.array(segment, { minLength: 1, maxLength: 3 }).map((segments) => segments.join("/"));
  const identifier = fc.stringMatching(/^[0-9A-Za-z-]{1,8}$/).filter((part) => !/^0[0-9]/.test(part));
  const version = fc
    .tuple(fc.nat(99), fc.nat(99), fc.nat(99), fc.array(identifier, { maxLength: 2 }))
    .map(
      ([major, minor, patch, pre]) =>
        `${major}.${minor}.${patch}${pre.length > 0 ? `-${pre.join(".")}` : ""}`,
    );

  it("are emitted unchanged by json-schema-to-typescript for any valid id and version", async () => {
    await fc.assert(
      fc.asyncProperty(id, version, async (templateId, templateVersion) => {
        const name = `${idTypeName(templateId)}${versionTypeSuffix(templateVersion)}Input`;
        const source = await compile({ type: "object" }, name, { bannerComment: "", format: false });
        expect(source).toContain(`export interface ${name} `);
      }),
      { numRuns: 60 },
    );
  });
});
