// Signing in and out. The session is an HttpOnly cookie the page never sees; the page keeps only who signed in
// (name, role, namespaces) to shape the view, and the hub decides every call by the cookie.

import { api } from "./api.js";

const OPERATOR_KEY = "hub.operator";

/** Signs in with the cookie session (no token is asked for); returns the operator. */
export async function signIn(username, password) {
  const operator = await api("POST", "api/login", { username, password });
  localStorage.setItem(OPERATOR_KEY, JSON.stringify(operator));
  return operator;
}

export async function signOut() {
  forget();
  await api("POST", "api/logout");
}

export function forget() {
  localStorage.removeItem(OPERATOR_KEY);
}

/**
 * The operator of a session that survived a reload, or null when the page must sign in. Throws when the hub
 * cannot be reached, so the caller can retry.
 */
export async function restore() {
  const saved = localStorage.getItem(OPERATOR_KEY);
  if (saved === null) {
    return null;
  }
  try {
    await api("GET", "api/devices?limit=1");
  } catch (error) {
    if (error.status === 401) {
      forget();
      return null;
    }
    throw error;
  }
  return JSON.parse(saved);
}
