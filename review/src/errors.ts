/** The one error class of contract review: what went wrong (a code), a readable message, and the cause. */

export type ReviewErrorCode =
  /** `--against` names nothing usable: not an image file, a directory or a git ref. */
  | "invalid-source"
  /** `buf build` failed (the message carries buf's output). */
  | "build-failed"
  /** A contract the plugin rejects (the same problems `buf generate` would report). */
  | "invalid-contract";

export class ReviewError extends Error {
  override readonly name = "ReviewError";
  readonly code: ReviewErrorCode;

  constructor(code: ReviewErrorCode, message: string, options?: { cause?: unknown }) {
    super(`[${code}] ${message}`, options);
    this.code = code;
  }
}

/** True for a ReviewError, also one from another copy of this package. */
export function isReviewError(error: unknown): error is ReviewError {
  return error instanceof Error && error.name === "ReviewError" && typeof (error as ReviewError).code === "string";
}
