// Single-file components and stylesheets are compiled by VitePress (Vite), not by tsc.
declare module "*.vue" {
  import type { DefineComponent } from "vue";

  const component: DefineComponent;
  export default component;
}
declare module "*.css";
