import type { Theme } from "vitepress";
import DefaultTheme from "vitepress/theme";
import CatalogFilter from "./CatalogFilter.vue";
import "./style.css";

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component("CatalogFilter", CatalogFilter);
  },
} satisfies Theme;
