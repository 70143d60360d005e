import { defineConfig } from "vitest/config";

// Integration files that must pass unchanged on a cluster too (work in executor JVMs, not in the driver).
const CLUSTER_FILES = [
  "foundation",
  "spark-sql",
  "spark-dataframe",
  "spark-artifacts",
  "spark-resilience",
  "records-roundtrip",
  "contracts-roundtrip",
  "tables",
  "soak-quick",
  "object-store",
  "bulk-insert",
].map((name) => `test/integration/${name}.test.ts`);

// Every project compares Dates to the microsecond (vitest compares them by getTime() alone).
const setupFiles = ["test/setup/exact-timestamps.ts"];

const integration = {
  setupFiles,
  // Two cores: files run one after another against the one server.
  fileParallelism: false,
  testTimeout: 120_000,
  hookTimeout: 240_000,
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts", "test/conformance/**/*.test.ts"],
          setupFiles,
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          // The soak belongs to the cluster.
          exclude: ["test/integration/soak-quick.test.ts"],
          // One real Spark Connect server in local mode (started here unless SPARK_REMOTE names one) for every file.
          globalSetup: ["test/setup/spark-server.ts"],
          ...integration,
        },
      },
      {
        test: {
          name: "cluster",
          include: CLUSTER_FILES,
          // The same files against the server in cluster mode (standalone master + 2 workers), after the others.
          globalSetup: ["test/setup/spark-cluster.ts"],
          sequence: { groupOrder: 1 },
          ...integration,
        },
      },
    ],
  },
});
