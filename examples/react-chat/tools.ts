import type { AssistantTool } from '../../src/index';

/** `get_weather`'s parameters, shared by both APIs' tool definitions. */
const parameters = {
  type: 'object',
  properties: { city: { type: 'string', description: 'City name, e.g. "Paris".' } },
  required: ['city'],
};

/** The function tool of the example's assistant (Assistants API shape). */
export const weatherTool: AssistantTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Current weather in a city.', parameters },
};

/** The same tool as a Responses request lists it (the API's flat shape). */
export const weatherFunction = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather in a city.',
  parameters,
} as const;

const CONDITIONS = ['sunny', 'cloudy', 'light rain', 'windy', 'snow showers', 'fog'] as const;

/**
 * The `get_weather` handler, run on the server by `handleRequiresAction` or `handleFunctionCalls`:
 * a stand-in for a weather service (the same city always gets the same made-up forecast), slow
 * enough to watch the tool card wait for it.
 */
export async function getWeather(
  args: { city?: unknown },
  _call: unknown,
  { signal }: { signal: AbortSignal },
): Promise<{ city: string; temperature_c: number; conditions: string }> {
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, 300);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
  const city = typeof args.city === 'string' && args.city.trim() !== '' ? args.city.trim() : 'Unknown';
  let hash = 0;
  for (const char of city.toLowerCase()) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return {
    city,
    temperature_c: (hash % 35) - 5,
    conditions: CONDITIONS[hash % CONDITIONS.length] ?? 'sunny',
  };
}
