/** The config loader's public face; other areas import from here. */
export { loadConfigDocuments, loadConfigFiles, readConfigFiles, type ConfigText } from './load.js';
export { isConfigObject } from './detect.js';
export { ConfigError, formatConfigIssue } from './errors.js';
export { formatConfigWarning } from './issues.js';
export { embeddedDefaultDir, embeddedDefaultConfigFile } from './embedded-default.js';
export { configToJson } from './to-json.js';
export type * from './model.js';
