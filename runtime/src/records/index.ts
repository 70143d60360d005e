/** The runtime of generated record classes: everything is derived from a `RecordDescriptor`. */
export type * from "./descriptor.js";
