/**
 * JVM processes of the local Spark set-up (the Connect server, and in cluster mode a standalone master and workers):
 * the java options Spark's launcher would add, detached start with a pid file and a log per role, and stop by pid.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { repoRoot, sparkDir } from "../lib/paths.js";

export const jarsDir = join(sparkDir, "jars");
export const log4jConfig = join(repoRoot, "tools/spark/log4j2.properties");

// What spark-submit adds for Java 17 (apache/spark launcher/src/main/java/org/apache/spark/launcher/JavaModuleOptions.java).
export const JAVA_MODULE_OPTIONS = [
  "-XX:+IgnoreUnrecognizedVMOptions",
  "--add-modules=jdk.incubator.vector",
  ...[
    "java.lang",
    "java.lang.invoke",
    "java.lang.reflect",
    "java.io",
    "java.net",
    "java.nio",
    "java.util",
    "java.util.concurrent",
    "java.util.concurrent.atomic",
    "jdk.internal.ref",
    "sun.nio.ch",
    "sun.nio.cs",
    "sun.security.action",
    "sun.util.calendar",
  ].map((pkg) => `--add-opens=java.base/${pkg}=ALL-UNNAMED`),
  "--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
  "-Djdk.reflect.useDirectMethodHandle=false",
  "-Dio.netty.tryReflectionSetAccessible=true",
];

export function readPid(dir: string, role: string): number | undefined {
  const file = join(dir, `${role}.pid`);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, "utf8").trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Start `java <args>` detached, its output in `<dir>/<role>.log` and its pid in `<dir>/<role>.pid`. */
export function spawnJava(dir: string, role: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): number {
  const out = openSync(join(dir, `${role}.log`), "w");
  const child = spawn("java", [...args], {
    cwd: dir,
    detached: true,
    stdio: ["ignore", out, out],
    env: { ...process.env, SPARK_LOCAL_IP: "127.0.0.1", ...env },
  });
  closeSync(out);
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start java (${role})`);
  writeFileSync(join(dir, `${role}.pid`), `${child.pid}\n`);
  return child.pid;
}

/** Stop a role by its pid (TERM, then KILL after a grace period); false when it was not running. */
export async function stopRole(dir: string, role: string): Promise<number | undefined> {
  const pid = readPid(dir, role);
  rmSync(join(dir, `${role}.pid`), { force: true });
  if (pid === undefined || !isAlive(pid)) return undefined;
  process.kill(pid, "SIGTERM");
  for (let i = 0; i < 60 && isAlive(pid); i++) await delay(250);
  if (isAlive(pid)) process.kill(pid, "SIGKILL");
  return pid;
}

export function logTail(dir: string, role: string, lines = 25): string {
  const file = join(dir, `${role}.log`);
  if (!existsSync(file)) return "(no log)";
  return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}
