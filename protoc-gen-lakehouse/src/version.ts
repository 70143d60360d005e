/** The plugin's version, named in the header of every generated file (kept equal to package.json by a test). */
export const PLUGIN_VERSION = "0.1.0";
