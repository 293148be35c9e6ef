// Must NOT compile: `tikcet` is not an input of support/summarize-ticket@1.1.0 and `ticket` is missing.
import { createClient } from "@promptreg/client";
import type { TemplateMap } from "./promptreg.js";

const promptreg = createClient<TemplateMap>({ baseUrl: "http://127.0.0.1:1", keyId: "k", secret: "s" });
await promptreg.render("support/summarize-ticket@1.1.0", { tikcet: "typo" });
