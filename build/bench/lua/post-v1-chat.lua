-- wrk: POST /v1/chat/completions with one user message, the question of post-question.lua (no
-- request()/response() functions, so wrk sends one pre-built request at full speed).
wrk.method = "POST"
wrk.body = '{"messages":[{"role":"user","content":"What is the capital of France?"}]}'
wrk.headers["Content-Type"] = "application/json"
-- A client key: ignored unless the service runs with API_KEYS=bench-client-key (the key variants of compare.sh).
wrk.headers["X-API-Key"] = "bench-client-key"
