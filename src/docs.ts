/** A self-contained HTML page that renders /openapi.json (no external scripts, works offline). */
export const docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>MallBots API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:980px;padding:1rem 1.5rem;color:#1d232b}
h1{margin-bottom:.2rem}h2{border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2rem;text-transform:capitalize}
details{border:1px solid #e3e6ea;border-radius:6px;margin:.4rem 0;padding:.3rem .6rem}
summary{cursor:pointer}code,pre{font:13px ui-monospace,monospace}pre{background:#f6f8fa;padding:.5rem;overflow:auto}
.m{display:inline-block;width:4.8rem;font-weight:700;text-transform:uppercase}.get{color:#1a7f37}.post{color:#0969da}
.put{color:#9a6700}.delete{color:#cf222e}.op{color:#57606a;margin-left:.5rem}
</style></head><body>
<h1>MallBots API</h1><p>Generated from <a href="/openapi.json">/openapi.json</a>. Errors are
<code>{"code", "message", "details"}</code>; every response carries <code>X-Request-Id</code>.</p>
<div id="api">Loading…</div>
<script>
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;"}[c]));
fetch("/openapi.json").then((r) => r.json()).then((doc) => {
  const byTag = {};
  for (const [path, ops] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(ops)) (byTag[op.tags[0]] ??= []).push({ path, method, op });
  document.getElementById("api").innerHTML = Object.entries(byTag).map(([tag, ops]) =>
    "<h2>" + esc(tag) + "</h2>" + ops.map(({ path, method, op }) =>
      "<details><summary><span class='m " + method + "'>" + method + "</span><code>" + esc(path) + "</code>" +
      "<span class='op'>" + esc(op.operationId) + " — " + esc(op.summary) + "</span></summary>" +
      (op.requestBody ? "<p>Request body</p><pre>" + esc(JSON.stringify(op.requestBody.content["application/json"].schema, null, 2)) + "</pre>" : "") +
      "<p>200 response</p><pre>" + esc(JSON.stringify(op.responses["200"].content["application/json"].schema, null, 2)) + "</pre></details>"
    ).join("")).join("");
});
</script></body></html>`;
