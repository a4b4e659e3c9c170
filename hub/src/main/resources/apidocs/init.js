// Starts Swagger UI on /api/docs. A file of its own rather than an inline script, so the hub's Content-Security-Policy
// (script-src 'self', no 'unsafe-inline') holds for this page as for every other.
window.ui = SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  // the public validator would be a request to another site, which the policy forbids anyway
  validatorUrl: null,
  // cookie-signed-in writes need the Origin header, which a browser sends on its own
  withCredentials: true
});
