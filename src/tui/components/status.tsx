import { Text } from 'ink';
import type { StatusView } from '../controller.js';
import { compactNumber, displayWidth, truncate } from '../text.js';
import { useTheme } from './theme-context.js';

export const STATUS_HEIGHT = 1;

/** The bottom row: model, session, tokens, cost, context used, approval mode. */
export function StatusLine({ status, width }: { status: StatusView; width: number }) {
  const theme = useTheme();
  const mode = `${status.mode} mode`;
  const left = fit(statusParts(status), Math.max(10, width - displayWidth(mode) - 3));
  const contextColor = status.contextPercent !== undefined && status.contextPercent >= 80 ? theme.ink.warning : undefined;
  return (
    <Text wrap="truncate-end">
      <Text dimColor={!contextColor} color={contextColor}>
        {left}
      </Text>
      <Text dimColor> · </Text>
      <Text color={status.mode === 'full' ? theme.ink.error : status.mode === 'read-only' ? theme.ink.success : undefined} dimColor={status.mode === 'ask'}>
        {mode}
      </Text>
    </Text>
  );
}

interface Part {
  text: string;
  /** Parts with a higher rank give way first when the row is too narrow. */
  rank: number;
}

function statusParts(status: StatusView): Part[] {
  const cost = status.cost === 0 ? '$0' : `$${status.cost < 1 ? status.cost.toFixed(4) : status.cost.toFixed(2)}`;
  return [
    { text: `${status.provider}/${status.model}`, rank: 0 },
    { text: status.session ?? 'not saved', rank: 3 },
    { text: `↑${compactNumber(status.tokensIn)} ↓${compactNumber(status.tokensOut)}`, rank: 1 },
    { text: cost, rank: 2 },
    ...(status.contextPercent === undefined ? [] : [{ text: `ctx ${status.contextPercent}%`, rank: 0 }]),
  ];
}

/** The parts that fit, dropping the least useful first; the last resort is cutting the row. */
function fit(parts: Part[], width: number): string {
  for (let dropFrom = 4; dropFrom > 0; dropFrom--) {
    const text = parts
      .filter((part) => part.rank < dropFrom)
      .map((part) => part.text)
      .join(' · ');
    if (displayWidth(text) <= width) return text;
  }
  return truncate(parts.filter((part) => part.rank === 0).map((part) => part.text).join(' · '), width);
}
