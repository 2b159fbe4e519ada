import type { ScriptedReply } from './scenario-types';

interface CompiledReply {
  reply: ScriptedReply;
  pattern: RegExp;
}

/** Scripted replies from scenario files, with their patterns compiled once. */
export class ReplyBook {
  private compiled: CompiledReply[] = [];

  list(): ScriptedReply[] {
    return this.compiled.map((c) => ({ ...c.reply }));
  }

  replace(replies: ScriptedReply[]): void {
    this.compiled = replies.map((reply) => ({
      reply: { ...reply },
      pattern: new RegExp(reply.match, reply.flags),
    }));
  }

  /** The first reply whose pattern matches the prompt and whose provider/model filters allow it. */
  find(provider: string, model: string, prompt: string): ScriptedReply | undefined {
    return this.compiled.find(
      (c) =>
        (c.reply.provider === undefined || c.reply.provider === provider) &&
        (c.reply.model === undefined || c.reply.model === model) &&
        c.pattern.test(prompt),
    )?.reply;
  }
}
