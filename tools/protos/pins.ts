/**
 * Third-party .proto sources, pinned: each comes out of a registry artifact whose SHA-256 is fixed here.
 * Spark Connect's protos are taken from the same server jar that tools/spark/pom.xml runs, so client and server
 * always agree; protovalidate's from the Maven artifact that its Java implementation publishes.
 */
import type { PinnedArtifact } from "../lib/maven.js";

export interface ProtoSource extends PinnedArtifact {
  /** Folder under .cache/protos that becomes a buf module. */
  module: string;
  /** Path prefix inside the jar of the .proto files to extract. */
  prefix: string;
}

export const SPARK_VERSION = "4.2.0";
export const DELTA_VERSION = "4.4.0";
export const PROTOVALIDATE_VERSION = "1.3.0";

export const protoSources: readonly ProtoSource[] = [
  {
    module: "spark",
    coordinate: `org.apache.spark:spark-connect_2.13:${SPARK_VERSION}`,
    sha256: "a5ab11bed0ebb6bf8e005b3f238dfa97f6ca3cbe0161201d676accfc1bc9f04c",
    prefix: "spark/connect/",
  },
  {
    module: "protovalidate",
    coordinate: `build.buf:protovalidate:${PROTOVALIDATE_VERSION}`,
    sha256: "fc65013a322d9b390759670b454c05f94579c49a40dff872143dfba831ebbdc2",
    prefix: "buf/validate/",
  },
];
