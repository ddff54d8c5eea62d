/** The config loader's public face; other areas import from here. */
export {
  loadConfigDocuments,
  loadConfigFiles,
  readConfigFiles,
  type ConfigText,
  type LoadedConfig,
} from './load.js';
export { isConfigObject, detectConfigForm, type ConfigForm } from './detect.js';
export { ConfigError, formatConfigIssue, type ConfigIssue } from './errors.js';
export { formatConfigWarning } from './issues.js';
export { embeddedDefaultDir, embeddedDefaultConfigFile } from './embedded-default.js';
export { DEFAULTS } from './defaults.js';
export { parseAddressRange, formatAddressRange } from './addresses.js';
export { parseGoDuration, formatGoDuration } from './duration.js';
export { selectorMatches, anySelectorMatches } from './label-selector.js';
export { configToJson } from './to-json.js';
export type * from './model.js';
