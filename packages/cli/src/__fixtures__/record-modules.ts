import { register } from "node:module";

/**
 * Preloaded with `--import` after tsx (run-bin.ts): appends the URL of every module the process resolves to the file
 * named by PROMPTREG_TEST_MODULES_FILE. The hook runs on the loader's own thread and writes synchronously, so the file
 * is complete however the process ends.
 */
const file = process.env.PROMPTREG_TEST_MODULES_FILE;
if (file) {
  const hook = `
    import { appendFileSync } from "node:fs";
    export async function resolve(specifier, context, next) {
      const resolved = await next(specifier, context);
      appendFileSync(${JSON.stringify(file)}, resolved.url + "\\n");
      return resolved;
    }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
}
