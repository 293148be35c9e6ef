// Every page generated at build time (the catalog, one page per template, the API reference, the benchmark
// history): VitePress dynamic routes, one route per generated page. The generation itself is framework-free and
// tested in tooling/docs-site; the dev server re-runs this loader when a file under templates/ changes (see
// .vitepress/config.ts).
import { generatedPages } from "./.vitepress/generated-pages.js";

export default {
  async paths() {
    const pages = await generatedPages();
    return pages.map((page) => ({ params: { page: page.path }, content: page.content }));
  },
};
