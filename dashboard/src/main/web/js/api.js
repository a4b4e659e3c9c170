// The operator API as the page calls it: same-origin fetch with the session cookie, JSON in and out.

/** A refused call: the HTTP status and the hub's error code and sentence. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let unauthorized = () => {};

/**
 * Called with the refusal whenever the hub answers 401: the session ended (logout elsewhere, a new password, expiry);
 * a refusal with the code session_ended says why.
 */
export function onUnauthorized(listener) {
  unauthorized = listener;
}

export async function api(method, path, body) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let data = {};
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    data = {};
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data.error ?? `http_${response.status}`,
      data.message ?? `The hub answered ${response.status}.`);
    if (response.status === 401 && path !== "api/login") {
      unauthorized(error);
    }
    throw error;
  }
  return data;
}

export function devicePath(deviceId, rest = "") {
  return `api/devices/${encodeURIComponent(deviceId)}${rest}`;
}
