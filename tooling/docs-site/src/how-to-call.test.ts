import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { callReference, callSnippets } from "./how-to-call.js";
import { loadSiteData, type SiteData } from "./site-data.js";

let site: SiteData;
beforeAll(async () => {
  site = await loadSiteData({ templatesDir: fileURLToPath(new URL("../../../templates/", import.meta.url)) });
});

const template = (id: string) => site.templates.find((entry) => entry.id === id)!;

describe("callSnippets", () => {
  it("calls the production label when there is one, else the exact version shown", () => {
    expect(callReference(template("support/summarize-ticket"))).toBe("support/summarize-ticket@production");
    expect(callReference(template("knowledge/rag-answer"))).toBe("knowledge/rag-answer@1.0.0");
  });

  it("sends an example of the version the reference resolves to, the same in every snippet", () => {
    const snippets = callSnippets(template("support/summarize-ticket"));
    // production -> 1.1.0, whose first example is enterprise-sso-outage (2.0.0's examples have another input shape).
    expect(snippets.exampleName).toBe("enterprise-sso-outage");
    const body = /body=\$\(cat <<'JSON'\n([\s\S]*?)\nJSON\n\)/.exec(snippets.curl)![1]!;
    expect(JSON.parse(body)).toEqual({ ref: snippets.reference, input: snippets.input });
    expect(snippets.clientSdk).toContain(
      `promptreg.run("support/summarize-ticket@production", ${JSON.stringify(snippets.input, null, 2)});`,
    );
    // Typed from the service, as an app outside this repository gets them (not `promptreg build` of a clone).
    expect(snippets.clientSdk).toContain("promptreg types --from <url> --out src/promptreg.d.ts");
    expect(snippets.clientSdk).toContain('import type { TemplateMap } from "./promptreg.js";');
    expect(snippets.clientSdk).not.toContain("promptreg build");
    expect(snippets.openAiSdk).toContain('model: "template:support/summarize-ticket@production"');
    expect(snippets.openAiSdk).toContain(
      `input: ${JSON.stringify(snippets.input, null, 2).replaceAll("\n", "\n  ")},`,
    );
    expect(snippets.cli).toBe(
      "pnpm promptreg call run support/summarize-ticket@production --example enterprise-sso-outage",
    );
    expect(snippets.curl).toContain("pnpm -s promptreg sign POST /v1/run --body - --format headers");
  });

  it("never puts a secret in a snippet: credentials come from the environment or the dev credential file", () => {
    for (const entry of site.templates) {
      const { clientSdk, openAiSdk, curl } = callSnippets(entry);
      expect(clientSdk).toContain("process.env.PROMPTREG_SECRET!");
      expect(openAiSdk).toContain("process.env.PROMPTREG_SECRET!");
      const commands = curl.split("\n").filter((line) => !line.startsWith("#"));
      expect(commands.join("\n")).not.toMatch(/secret/i);
    }
  });
});
