-- wrk: POST /question with a JSON question (no request()/response() functions, so wrk sends one
-- pre-built request at full speed).
wrk.method = "POST"
wrk.body = '{"text":"What is the capital of France?"}'
wrk.headers["Content-Type"] = "application/json"
