// kgd's JSON gateway: POST /v1/<Service>/<Method> with the proto JSON mapping
// of the request, the response the same way; errors are HTTP codes with a
// {code, status, message} body. The token (for kgd --auth_tokens) lives in
// sessionStorage, so it ends with the tab.

const TOKEN_KEY = 'kgd.explorer.token';

export function getToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  } catch (e) {
    return '';
  }
}

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export class ApiError extends Error {
  constructor(httpStatus, status, message) {
    super(`${status || 'HTTP ' + httpStatus}: ${message}`);
    this.httpStatus = httpStatus;
    this.status = status;  // the gRPC status name, e.g. NOT_FOUND
    this.detail = message;
  }
}

const GRPC_CODE_NAMES = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND',
  'ALREADY_EXISTS', 'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED',
  'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
];

function statusName(body) {
  if (typeof body.status === 'string' && body.status) return body.status;
  if (typeof body.code === 'string' && body.code) return body.code;
  if (typeof body.code === 'number') return GRPC_CODE_NAMES[body.code] || String(body.code);
  return '';
}

// Calls kg.v1.<service>.<method> with `request` (a plain object).
export async function call(service, method, request) {
  const headers = { 'Content-Type': 'application/json' };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(`/v1/${service}/${method}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(request),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, 'UNAVAILABLE', `kgd did not answer (${e.message})`);
  }
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : {};
  } catch (e) {
    body = null;
  }
  if (!response.ok) {
    const b = body && typeof body === 'object' ? body : {};
    throw new ApiError(response.status, statusName(b),
                       typeof b.message === 'string' ? b.message : text.slice(0, 300));
  }
  if (body === null || typeof body !== 'object') {
    throw new ApiError(response.status, 'INTERNAL', 'the answer is not JSON');
  }
  return body;
}

export const graph = (method, request) => call('GraphService', method, request);
export const provenance = (method, request) => call('ProvenanceService', method, request);
