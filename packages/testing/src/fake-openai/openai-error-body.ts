import type { FakeErrorReply } from "./fake-reply.js";

const defaults: Record<number, { message: string; type: string; code: string | null }> = {
  400: { message: "Invalid request.", type: "invalid_request_error", code: null },
  401: {
    message:
      "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.",
    type: "invalid_request_error",
    code: "invalid_api_key",
  },
  403: {
    message: "You are not allowed to access this resource.",
    type: "invalid_request_error",
    code: null,
  },
  404: {
    message: "The requested resource does not exist.",
    type: "invalid_request_error",
    code: "not_found",
  },
  429: {
    message: "Rate limit reached for requests. Please try again in 20ms.",
    type: "requests",
    code: "rate_limit_exceeded",
  },
  500: {
    message: "The server had an error while processing your request. Sorry about that!",
    type: "server_error",
    code: null,
  },
  503: {
    message: "The engine is currently overloaded, please try again later.",
    type: "server_error",
    code: null,
  },
};

/** The JSON body OpenAI sends with an HTTP error: `{ error: { message, type, param, code } }`. */
export function openAIErrorBody(error: FakeErrorReply): object {
  const fallback =
    error.status >= 500
      ? {
          message: "The server had an error while processing your request.",
          type: "server_error",
          code: null,
        }
      : { message: "Request failed.", type: "invalid_request_error", code: null };
  const base = defaults[error.status] ?? fallback;
  return {
    error: {
      message: error.message ?? base.message,
      type: error.type ?? base.type,
      param: null,
      code: error.code === undefined ? base.code : error.code,
    },
  };
}
