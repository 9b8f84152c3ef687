// OpenAI's official npm SDK against the service's /v1, one case per run; OpenAiNpmSdkTests.cs starts it.
// Usage: node openai-sdk.mjs <base URL ending in /v1> <case>
// Prints ONE line of JSON with what the SDK returned; on any error prints the message to stderr and exits 1.
import OpenAI from 'openai';

const [baseURL, name] = process.argv.slice(2);
const model = 'test-model';

// A 1x1 transparent PNG.
const pixel =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The current weather in a city.',
    strict: true,
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string', minLength: 2, description: 'The city name.' },
        days: { type: 'integer', enum: [1, 3, 7] },
      },
      required: ['city', 'days'],
      additionalProperties: false,
    },
  },
};

const toolCallsOf = (message) =>
  (message.tool_calls ?? []).map((call) => ({
    id: call.id,
    type: call.type,
    name: call.function.name,
    arguments: call.function.arguments,
  }));

const cases = {
  async 'tool-round-trip'(client) {
    const messages = [{ role: 'user', content: 'What is the weather in Paris for 3 days?' }];
    const first = await client.chat.completions.create({
      model,
      messages,
      tools: [weatherTool],
      tool_choice: 'auto',
    });
    const asked = first.choices[0];
    const calls = toolCallsOf(asked.message);

    // The SDK's answer goes back as it came, plus the tool's result for each call.
    messages.push({ role: 'assistant', content: null, tool_calls: asked.message.tool_calls });
    for (const call of asked.message.tool_calls) {
      const args = JSON.parse(call.function.arguments);
      messages.push({
        role: 'tool',
        tool_call_id: call.id,
        content: JSON.stringify({ city: args.city, days: args.days, forecast: 'sunny', celsius: 21 }),
      });
    }

    const second = await client.chat.completions.create({ model, messages, tools: [weatherTool] });
    return {
      turn1: { finish_reason: asked.finish_reason, content: asked.message.content, tool_calls: calls },
      turn2: {
        finish_reason: second.choices[0].finish_reason,
        content: second.choices[0].message.content,
        usage: second.usage,
      },
    };
  },

  async 'stream-tools'(client) {
    const stream = client.chat.completions.stream({
      model,
      messages: [{ role: 'user', content: 'What is the weather in Paris for 3 days?' }],
      tools: [weatherTool],
      tool_choice: 'auto',
      stream: true,
    });

    // Assembled here from the raw deltas, then compared with the SDK's own assembly below.
    const assembled = [];
    let chunks = 0;
    let toolDeltas = 0;
    let finishReason = null;
    for await (const chunk of stream) {
      chunks++;
      const choice = chunk.choices[0];
      if (!choice) continue;
      for (const delta of choice.delta?.tool_calls ?? []) {
        toolDeltas++;
        const call = (assembled[delta.index] ??= { index: delta.index, id: '', type: '', name: '', arguments: '' });
        if (delta.id) call.id = delta.id;
        if (delta.type) call.type = delta.type;
        if (delta.function?.name) call.name += delta.function.name;
        if (delta.function?.arguments) call.arguments += delta.function.arguments;
      }
      if (choice.finish_reason) finishReason = choice.finish_reason;
    }

    const final = await stream.finalChatCompletion();
    const message = final.choices[0].message;
    return {
      chunks,
      tool_deltas: toolDeltas,
      finish_reason: finishReason,
      tool_calls: assembled,
      final: {
        finish_reason: final.choices[0].finish_reason,
        tool_calls: toolCallsOf(message),
        parsed_arguments: (message.tool_calls ?? []).map((call) => call.function.parsed_arguments ?? null),
      },
    };
  },

  async 'json-schema'(client) {
    const completion = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Give me the weather in Paris as JSON.' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'weather',
          strict: true,
          schema: {
            type: 'object',
            properties: {
              city: { type: 'string', minLength: 1 },
              celsius: { type: 'number' },
              sky: { type: 'string', enum: ['sunny', 'cloudy', 'rain'] },
            },
            required: ['city', 'celsius', 'sky'],
            additionalProperties: false,
          },
        },
      },
    });
    const choice = completion.choices[0];
    return {
      finish_reason: choice.finish_reason,
      content: choice.message.content,
      parsed: JSON.parse(choice.message.content),
    };
  },

  async image(client) {
    const completion = await client.chat.completions.create({
      model,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${pixel}`, detail: 'low' } },
          ],
        },
      ],
    });
    const choice = completion.choices[0];
    return { finish_reason: choice.finish_reason, content: choice.message.content, usage: completion.usage };
  },

  async 'stream-usage'(client) {
    const stream = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Tell me a story.' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let content = '';
    let chunks = 0;
    let finishReason = null;
    let last = null;
    for await (const chunk of stream) {
      chunks++;
      last = chunk;
      for (const choice of chunk.choices) {
        content += choice.delta?.content ?? '';
        if (choice.finish_reason) finishReason = choice.finish_reason;
      }
    }
    return {
      chunks,
      content,
      finish_reason: finishReason,
      last_chunk_choices: last?.choices.length ?? null,
      usage: last?.usage ?? null,
    };
  },
};

try {
  if (!baseURL || !cases[name]) {
    throw new Error(`usage: node openai-sdk.mjs <base URL> <${Object.keys(cases).join('|')}>`);
  }
  const client = new OpenAI({ baseURL, apiKey: 'sk-anything', maxRetries: 0, timeout: 30_000 });
  const result = await cases[name](client);
  process.stdout.write(JSON.stringify(result) + '\n');
} catch (error) {
  process.stderr.write(`${error?.constructor?.name ?? 'Error'}: ${error?.message ?? error}\n`);
  process.exitCode = 1;
}
