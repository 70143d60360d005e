/**
 * Databricks: OAuth machine-to-machine tokens (client credentials, `POST https://<workspace>/oidc/v1/token`,
 * `scope=all-apis`) as a `TokenProvider`, and the connection string for a cluster
 * (`x-databricks-cluster-id` goes to every call as gRPC metadata). Tokens are refreshed by `CachedToken`
 * a minute before they expire.
 */
import { AuthError } from "../errors.js";
import type { TokenProvider } from "./token-provider.js";

export interface DatabricksOAuthOptions {
  /** Workspace host, e.g. `dbc-1234.cloud.databricks.com` (or a full https:// URL). */
  host: string;
  clientId: string;
  clientSecret: string;
  /** For tests and proxies; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export function databricksClientCredentials(options: DatabricksOAuthOptions): TokenProvider {
  const base = /^https?:\/\//.test(options.host) ? options.host.replace(/\/$/, "") : `https://${options.host}`;
  const doFetch = options.fetch ?? fetch;
  return async (signal) => {
    const response = await doFetch(`${base}/oidc/v1/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=client_credentials&scope=all-apis",
      ...(signal ? { signal } : {}),
    });
    if (!response.ok) {
      // The body may echo request details; only the status is reported.
      throw new AuthError(`Databricks OAuth token request failed with HTTP ${response.status}`);
    }
    const body = await readJson(response);
    if (typeof body.access_token !== "string" || body.access_token === "") {
      throw new AuthError("Databricks OAuth token response has no access_token");
    }
    const expiresIn = typeof body.expires_in === "number" ? body.expires_in : undefined;
    return {
      token: body.access_token,
      expiresAt: expiresIn === undefined ? undefined : new Date(Date.now() + expiresIn * 1000),
    };
  };
}

/**
 * The token response's JSON. A body that is not JSON is reported without V8's parse message, which quotes the body's
 * first characters — the start of a token, if the body is a bare one.
 */
async function readJson(response: Response): Promise<{ access_token?: unknown; expires_in?: unknown }> {
  const text = await response.text();
  try {
    const body: unknown = JSON.parse(text);
    return typeof body === "object" && body !== null ? body : {};
  } catch {
    throw new AuthError(`Databricks OAuth token response is not JSON (${text.length} characters)`);
  }
}

/** `sc://<host>:443/;x-databricks-cluster-id=<id>`; pass the token through a provider, not the string. */
export function databricksRemote(host: string, clusterId: string): string {
  const bare = host.replace(/^https?:\/\//, "").replace(/\/.*$/, "");
  return `sc://${bare}:443/;use_ssl=true;x-databricks-cluster-id=${encodeURIComponent(clusterId)}`;
}
