import type { z } from 'zod';
import { HarnessError } from '../errors.js';
import { channels, isChannelName, type ChannelArgs, type ChannelName } from './channels.js';

/** Validates one channel's input against the map; unknown channels and bad input are HarnessErrors. */
export function parseInput<K extends ChannelName>(channel: K, input: unknown): ChannelArgs<K>;
export function parseInput(channel: string, input: unknown): unknown;
export function parseInput(channel: string, input: unknown): unknown {
  if (!isChannelName(channel)) throw new HarnessError('NOT_FOUND', `Unknown harness channel: ${channel}`);
  const schema = channels[channel].input as z.ZodType;
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(input)', message: issue.message }));
    const first = issues[0];
    throw new HarnessError('INVALID_INPUT', `${channel}: ${first ? `${first.path}: ${first.message}` : 'invalid input'}`, { details: { issues } });
  }
  return parsed.data;
}
