-- wrk: POST {portkey}/v1/chat/completions with the body of post-completion.lua and the headers that make
-- Portkey's gateway forward it to an OpenAI-compatible upstream of our own: x-portkey-provider: openai and
-- x-portkey-custom-host (the upstream's base URL, from the environment variable PORTKEY_CUSTOM_HOST, e.g.
-- http://127.0.0.1:9100/v1; Portkey then posts to {custom host}/chat/completions). build/bench/compare.sh
-- --portkey sets it.
local custom_host = os.getenv("PORTKEY_CUSTOM_HOST")
if custom_host == nil or custom_host == "" then
   error("set PORTKEY_CUSTOM_HOST to the upstream's base URL, e.g. http://127.0.0.1:9100/v1")
end
wrk.method = "POST"
wrk.body = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"What is the capital of France?"}],"temperature":0.7}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer x"
wrk.headers["x-portkey-provider"] = "openai"
wrk.headers["x-portkey-custom-host"] = custom_host
