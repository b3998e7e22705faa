/**
 * Evaluates a plain arithmetic expression without `eval`: numbers, `+ - * / %`, `^` or `**`
 * (power, right-associative), unary signs and parentheses. Returns `undefined` unless the whole
 * text is such an expression with at least one operator and a finite value.
 */
export function evaluateArithmetic(text: string): number | undefined {
  if (text.length > 200) return undefined;
  const tokens = tokenize(text);
  if (!tokens?.some((t) => t.kind === 'op' && t.value !== '(' && t.value !== ')')) return undefined;
  const parser = new Parser(tokens);
  const value = parser.parse();
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

/** A number as the default brain writes it: at most 12 significant digits (`0.1 + 0.2` → `0.3`). */
export const formatNumber = (value: number): string =>
  Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(12)));

type Token = { kind: 'num'; value: number } | { kind: 'op'; value: string };

function tokenize(expression: string): Token[] | undefined {
  const tokens: Token[] = [];
  // Sticky, so each token is matched where the last ended; no trailing space is left to skip.
  const pattern = /\s*(?:(\d+(?:\.\d*)?|\.\d+)|(\*\*|[-+*/%^()×÷]))/y;
  const text = expression.trimEnd();
  let at = 0;
  while (at < text.length) {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (!match) return undefined;
    at = pattern.lastIndex;
    if (match[1] !== undefined) tokens.push({ kind: 'num', value: Number(match[1]) });
    else {
      const op = match[2] === '×' ? '*' : match[2] === '÷' ? '/' : match[2] === '**' ? '^' : match[2];
      tokens.push({ kind: 'op', value: op ?? '' });
    }
  }
  return tokens;
}

class Parser {
  private at = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): number | undefined {
    const value = this.sum();
    return this.at === this.tokens.length ? value : undefined;
  }

  private peekOp(...ops: string[]): string | undefined {
    const token = this.tokens[this.at];
    return token?.kind === 'op' && ops.includes(token.value) ? token.value : undefined;
  }

  private sum(): number | undefined {
    let left = this.product();
    for (let op = this.peekOp('+', '-'); op && left !== undefined; op = this.peekOp('+', '-')) {
      this.at++;
      const right = this.product();
      left = right === undefined ? undefined : op === '+' ? left + right : left - right;
    }
    return left;
  }

  private product(): number | undefined {
    let left = this.unary();
    for (let op = this.peekOp('*', '/', '%'); op && left !== undefined; op = this.peekOp('*', '/', '%')) {
      this.at++;
      const right = this.unary();
      if (right === undefined) return undefined;
      left = op === '*' ? left * right : op === '/' ? left / right : left % right;
    }
    return left;
  }

  private unary(): number | undefined {
    const sign = this.peekOp('+', '-');
    if (!sign) return this.power();
    if (++this.depth > 50) return undefined;
    this.at++;
    const value = this.unary();
    this.depth--;
    return value === undefined ? undefined : sign === '-' ? -value : value;
  }

  private power(): number | undefined {
    const base = this.primary();
    if (base === undefined || !this.peekOp('^')) return base;
    this.at++;
    const exponent = this.unary();
    return exponent === undefined ? undefined : base ** exponent;
  }

  private primary(): number | undefined {
    const token = this.tokens[this.at];
    if (token?.kind === 'num') {
      this.at++;
      return token.value;
    }
    if (!this.peekOp('(') || ++this.depth > 50) return undefined;
    this.at++;
    const value = this.sum();
    this.depth--;
    if (!this.peekOp(')')) return undefined;
    this.at++;
    return value;
  }
}
