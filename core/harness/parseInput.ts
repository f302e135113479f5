import type { z } from 'zod';
import { HarnessError } from '../errors.js';
import { channels, isChannelName, type ChannelArgs, type ChannelName } from './channels.js';
import { invalidInput } from './reply.js';

/** Validates one channel's input against the map; unknown channels and bad input are HarnessErrors. */
export function parseInput<K extends ChannelName>(channel: K, input: unknown): ChannelArgs<K>;
export function parseInput(channel: string, input: unknown): unknown;
export function parseInput(channel: string, input: unknown): unknown {
  if (!isChannelName(channel)) throw new HarnessError('NOT_FOUND', `Unknown harness channel: ${channel}`);
  const schema = channels[channel].input as z.ZodType;
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) throw invalidInput(parsed.error, channel);
  return parsed.data;
}
