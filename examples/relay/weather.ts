import type { AssistantTool } from '../../src/index';

/** The function tool the example's assistant is created with. */
export const weatherTool: AssistantTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather in a city.',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string', description: 'City name, e.g. "Paris".' } },
      required: ['city'],
    },
  },
};

const CONDITIONS = ['sunny', 'cloudy', 'light rain', 'windy', 'snow showers', 'fog'] as const;

/**
 * The `get_weather` handler, run on the server by `handleRequiresAction`. A stand-in for a real
 * weather service: the same city always gets the same made-up forecast, so the example runs offline.
 */
export function getWeather(args: { city?: unknown }): {
  city: string;
  temperature_c: number;
  conditions: string;
} {
  const city = typeof args.city === 'string' && args.city.trim() !== '' ? args.city.trim() : 'Unknown';
  let hash = 0;
  for (const char of city.toLowerCase()) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return {
    city,
    temperature_c: (hash % 35) - 5,
    conditions: CONDITIONS[hash % CONDITIONS.length] ?? 'sunny',
  };
}
