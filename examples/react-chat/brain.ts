import { type Brain, defaultBrain } from '../../src/emulator/index';

/**
 * The emulator's assistant for this example, the same for Assistants runs and Responses:
 * - a question about the weather calls `get_weather` (the city is the capitalised word after
 *   "in"), then answers from the tool's output;
 * - a question about the docs searches the files and cites one;
 * - "story" tells a long story (to try Stop on);
 * - anything else is the emulator's default reply.
 */
export const chatBrain: Brain = (context) => {
  const text = context.lastUserText;
  if (context.toolResults.length > 0) {
    return [
      { type: 'text', text: context.toolResults.map((result) => weatherSentence(result.output)).join(' ') },
    ];
  }
  if (/weather/i.test(text)) {
    return [{ type: 'function_calls', calls: [{ name: 'get_weather', arguments: { city: cityIn(text) } }] }];
  }
  if (/\b(docs?|documentation|search)\b/i.test(text)) {
    return [
      {
        type: 'file_search',
        results: [
          {
            file_id: 'file-rxjs-guide',
            file_name: 'rxjs-guide.md',
            score: 0.92,
            content: 'Use share() to give several subscribers one run.',
          },
        ],
      },
      {
        type: 'text',
        text: 'Use share() to give several subscribers one run 【4:0†rxjs-guide.md】.',
        citations: { '【4:0†rxjs-guide.md】': 'file-rxjs-guide' },
      },
    ];
  }
  if (/\bstory\b/i.test(text)) return [{ type: 'text', text: STORY }];
  return defaultBrain(context);
};

/** The capitalised word after "in" ("weather in Oslo?" → "Oslo"), else Paris. */
function cityIn(text: string): string {
  return /\bin ([A-Z][\p{L}-]*)/u.exec(text)?.[1] ?? 'Paris';
}

function weatherSentence(output: string): string {
  try {
    const { city, temperature_c, conditions } = JSON.parse(output) as Record<string, unknown>;
    return `It is ${conditions} and ${temperature_c} °C in ${city}.`;
  } catch {
    return `The weather service said: ${output}`;
  }
}

const STORY = Array.from(
  { length: 40 },
  (_, i) => `Chapter ${i + 1}: the stream kept flowing, one word after another, and nobody pressed Stop.`,
).join(' ');
