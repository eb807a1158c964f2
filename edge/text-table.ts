/**
 * Every table the CLIs print: cli-table3, with its ANSI colours only when
 * stdout is a terminal, so output piped to a file or another program is
 * plain text (the heads and borders carry no escape codes).
 */
import Table from 'cli-table3';

export type TextTable = InstanceType<typeof Table>;

export function textTable(head: readonly string[]): TextTable {
  return new Table({ head: [...head], ...(process.stdout.isTTY ? {} : { style: { head: [], border: [] } }) });
}
