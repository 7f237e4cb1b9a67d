/** Where the Swagger UI files are served from: Workers static assets (wrangler.toml `[assets]`, scripts/assets.mjs). */
export const explorerAssets = "/explorer";
/** The page's initializer, served by the Worker as a same-origin script so `script-src 'self'` suffices. */
export const explorerScriptPath = "/explorer.js";

/** The API explorer at `/`: Swagger UI, self-hosted, rendering /openapi.json. */
export const docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>MallBots API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" type="image/png" href="${explorerAssets}/favicon-32x32.png">
<link rel="stylesheet" href="${explorerAssets}/swagger-ui.css">
</head><body>
<noscript>The explorer needs JavaScript; the OpenAPI document is <a href="/openapi.json">/openapi.json</a>.</noscript>
<div id="swagger-ui"></div>
<script src="${explorerAssets}/swagger-ui-bundle.js"></script>
<script src="${explorerScriptPath}"></script>
</body></html>`;

/**
 * Renders /openapi.json. Try-it-out calls go to the page's own origin (the document names no servers);
 * validatorUrl null keeps Swagger UI from calling its public validator.
 */
export const explorerScript = `window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  displayOperationId: true,
  displayRequestDuration: true,
  validatorUrl: null,
});
`;
