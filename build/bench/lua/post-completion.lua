-- wrk: POST {upstream}/v1/chat/completions with the body a forwarder would send (the upstream
-- called directly).
wrk.method = "POST"
wrk.body = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"What is the capital of France?"}],"temperature":0.7}'
wrk.headers["Content-Type"] = "application/json"
