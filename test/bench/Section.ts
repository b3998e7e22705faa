/** What one benchmark section hands to the report. */
export interface Section {
  /** The name on the command line: `npm run bench -- <id>`. */
  id: string;
  title: string;
  /** Markdown lines: tables, verdicts and notes. */
  lines: string[];
  /** One line per target for the summary at the top of the report. */
  targets: { target: string; result: string; met: boolean | undefined }[];
}

/** `npm run bench -- <id>`: the command that reproduces one section. */
export const commandFor = (id: string): string => `npm run bench -- ${id}`;
