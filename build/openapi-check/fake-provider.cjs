// An OpenAI-compatible provider on loopback for build/openapi-check.sh: the last message's text picks the failure,
// so the service answers each of its provider statuses (401, 429, 502, 503, 504) through Prism. (500, an unexpected
// error, has no provider cause: tests/Chatbot.ClientTests provokes it.)
const http = require("node:http");
const server = http.createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    const text = body.match(/provider-(\d{3})/)?.[1];
    const json = (status, value) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(value));
    };
    switch (text) {
      case "401": return json(401, { error: { message: "bad key", type: "invalid_request_error" } });
      case "429": res.setHeader("retry-after", "3"); return json(429, { error: { message: "slow down", type: "rate_limit_error" } });
      case "502": res.writeHead(200, { "content-type": "application/json" }); return res.end("not a completion");
      case "503": return req.socket.destroy(); // unreachable, as far as the service can tell
      case "504": return; // never answers: the service's timeout decides
      default:
        return json(200, {
          id: "chatcmpl-fake", object: "chat.completion", created: 0, model: "test-model",
          choices: [{ index: 0, message: { role: "assistant", content: "fake answer" }, finish_reason: "stop" }],
          usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
        });
    }
  });
});
server.listen(0, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
