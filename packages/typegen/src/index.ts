// The public API of @promptreg/typegen. Anything not named here is private.

export {
  DEFAULT_TEMPLATE_TYPES_HEADER,
  generateTemplateTypes,
  idTypeName,
  type TemplateTypesOptions,
  versionTypeSuffix,
} from "./template-types.js";
